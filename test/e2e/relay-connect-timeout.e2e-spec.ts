import { afterEach, describe, expect, it } from '@jest/globals';
import { createServer, type AddressInfo, type Server, type Socket } from 'node:net';
import { SimpMessagingTemplate } from '../../lib/index.js';
import { RELAY_DEFAULTS } from '../../lib/engine/options/stomp.defaults.js';
import { RELAY_CONNECTED_TIMEOUT_MS, StompTcpClient } from '../../lib/engine/broker/relay/stomp-tcp.client.js';
import { startApp, TEST_OPTIONS, type RunningApp } from '../fixtures/stomp-app.fixture.js';
import { connectWebSocket } from '../fixtures/stomp-clients.fixture.js';

/** A TCP server on loopback that records when each connection opened and closed, and answers with `answer` (or stays silent). */
async function fakeBroker(
  answer?: (socket: Socket) => void,
): Promise<{ server: Server; port: number; connections: number[]; closes: number[]; sockets: Socket[] }> {
  const connections: number[] = [];
  const closes: number[] = [];
  const sockets: Socket[] = [];
  const server = createServer((socket) => {
    connections.push(Date.now());
    sockets.push(socket);
    socket.on('error', () => undefined);
    socket.resume();
    socket.on('close', () => closes.push(Date.now()));
    answer?.(socket);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, port: (server.address() as AddressInfo).port, connections, closes, sockets };
}

async function closeBroker(broker: { server: Server; sockets: Socket[] }): Promise<void> {
  for (const socket of broker.sockets) socket.destroy();
  await new Promise((resolve) => broker.server.close(resolve));
}

const RECONNECT_DELAY = 200;
/** Room for a loaded machine on top of the timeout itself. */
const MARGIN = 1_500;

describe('broker relay: a broker that accepts TCP but never answers CONNECT', () => {
  let broker: Awaited<ReturnType<typeof fakeBroker>> | undefined;
  let running: RunningApp | undefined;
  afterEach(async () => {
    await running?.close();
    if (broker) await closeBroker(broker);
    running = broker = undefined;
  });

  it('gives the attempt up after the CONNECTED timeout: the app starts, reports the broker unavailable, and the relay reconnects', async () => {
    broker = await fakeBroker();
    const started = Date.now();
    running = await startApp({ ...TEST_OPTIONS, relay: { port: broker.port, reconnectDelay: RECONNECT_DELAY } });
    const startedIn = Date.now() - started;
    expect(startedIn).toBeGreaterThanOrEqual(RELAY_CONNECTED_TIMEOUT_MS - 50);
    expect(startedIn).toBeLessThan(RELAY_CONNECTED_TIMEOUT_MS + MARGIN);
    await expect(running.app.get(SimpMessagingTemplate).convertAndSend('/topic/anything', 'x')).rejects.toThrow('Broker not available');
    const client = await connectWebSocket(running.baseUrl);
    client.client.publish({ destination: '/topic/anything', body: 'x' });
    await client.closed;
    expect(client.errors[0].headers.message).toBe('Broker not available');
    // The first connection was dropped, and the usual reconnection opened the next one reconnectDelay later.
    const deadline = Date.now() + RECONNECT_DELAY + MARGIN;
    while (broker.connections.length < 2 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 20));
    expect(broker.connections.length).toBeGreaterThanOrEqual(2);
    expect(broker.connections[1] - broker.connections[0]).toBeGreaterThanOrEqual(RELAY_CONNECTED_TIMEOUT_MS + RECONNECT_DELAY - 50);
    // The relay, not the broker, ended the silent connection, once the timeout had passed.
    expect(broker.closes[0] - broker.connections[0]).toBeGreaterThanOrEqual(RELAY_CONNECTED_TIMEOUT_MS - 50);
  }, 30_000);

  it('keeps a connection whose CONNECTED came in time, past the timeout', async () => {
    broker = await fakeBroker((socket) => socket.once('data', () => socket.write('CONNECTED\nversion:1.2\nheart-beat:0,0\n\n\0')));
    let disconnects = 0;
    const client = new StompTcpClient(
      { ...RELAY_DEFAULTS, port: broker.port, heartbeat: [0, 0], reconnectDelay: RECONNECT_DELAY },
      {
        connected: () => undefined,
        disconnected: () => disconnects++,
        frame: () => undefined,
      },
    );
    await client.start();
    expect(client.connected).toBe(true);
    await new Promise((resolve) => setTimeout(resolve, RELAY_CONNECTED_TIMEOUT_MS + 500));
    expect(client.connected).toBe(true);
    expect(disconnects).toBe(0);
    expect(broker.connections.length).toBe(1);
    client.stop();
  }, 30_000);
});
