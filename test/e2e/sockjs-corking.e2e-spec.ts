import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { Writable } from 'node:stream';
import WebSocket from 'ws';
import { StompBrokerRegistry } from '../../lib/index.js';
import { startApp, TEST_OPTIONS, type RunningApp } from '../fixtures/stomp-app.fixture.js';
import { connectSockJs, connectWebSocket, type TestClient } from '../fixtures/stomp-clients.fixture.js';
import { stompFrame } from '../fixtures/raw-stomp.fixture.js';

/** The socket sockjs-node writes the session's frames to now (its private session; the package is pinned). */
function currentSocket(running: RunningApp, sessionId: string): Writable | undefined {
  const connection = running.app.get(StompBrokerRegistry).session(sessionId)?.connection as unknown as {
    conn: { _session: { recv: { connection?: Writable; response?: { socket: Writable } } | null } };
  };
  const recv = connection.conn._session.recv;
  return recv?.connection ?? recv?.response?.socket;
}

function until(check: () => boolean, what: string, timeoutMs = 5_000): Promise<void> {
  return new Promise((resolve, reject) => {
    const started = Date.now();
    const timer = setInterval(() => {
      if (check()) resolve(void clearInterval(timer));
      else if (Date.now() - started > timeoutMs) {
        clearInterval(timer);
        reject(new Error(`timeout: ${what}`));
      }
    }, 5);
  });
}

/** A STOMP session over SockJS's websocket transport spoken by hand (SockJS framing visible), CONNECTed. */
async function connectSockJsWebSocket(port: number, name: string): Promise<{ ws: WebSocket; got: string[] }> {
  const ws = new WebSocket(`ws://127.0.0.1:${port}/stomp/000/${name}${Date.now()}/websocket`);
  const got: string[] = [];
  ws.on('message', (data) => got.push(data.toString()));
  await until(() => got.includes('o'), 'SockJS open frame');
  ws.send(JSON.stringify(['CONNECT\naccept-version:1.2\nhost:localhost\n\n\0']));
  await until(() => got.some((m) => m.includes('CONNECTED')), 'CONNECTED');
  return { ws, got };
}

describe('SockJS sessions cork their socket until the end of the tick', () => {
  let running: RunningApp;
  beforeAll(async () => (running = await startApp(TEST_OPTIONS)));
  afterAll(async () => running.close());

  it.each(['websocket', 'xhr-streaming', 'eventsource'] as const)(
    '%s: a burst is held corked in its tick and all of it arrives, in order',
    async (transport) => {
      const client = await connectSockJs(running.baseUrl, transport);
      const inbox = await client.subscribeConfirmed('/topic/corked');
      const session = running.app.get(StompBrokerRegistry).session(client.connected.headers.session)!;
      const socket = currentSocket(running, session.id)!;
      const frames = Array.from({ length: 20 }, (_, i) =>
        stompFrame('MESSAGE', { destination: '/topic/corked', subscription: inbox.id, 'message-id': `m${i}` }, `n${i}`),
      );
      for (const frame of frames) session.connection.send(Buffer.from(frame), false);
      expect(socket.writableCorked).toBeGreaterThan(0);
      const received = await inbox.waitFor(20);
      expect(received.map((m) => m.body)).toEqual(frames.map((_, i) => `n${i}`));
      expect(socket.writableCorked).toBe(0);
      await client.disconnect();
    },
  );

  // The dashboard's snapshot on a page (re)load: one frame far past the 16 KiB cork cap, then small ones in
  // the same tick. Held corked, the big one counted as a backlog the client never refused, and the next
  // frame overflowed the 512 KiB send budget (600 KiB here, the snapshot was 620): the session ended with 4500 and the page reconnected.
  it.each(['websocket', 'xhr-streaming', 'raw websocket'] as const)(
    '%s: a frame past the cork cap and the frames after it in one tick keep the session',
    async (transport) => {
      const client: TestClient =
        transport === 'raw websocket' ? await connectWebSocket(running.baseUrl) : await connectSockJs(running.baseUrl, transport);
      const inbox = await client.subscribeConfirmed('/topic/snapshot');
      const session = running.app.get(StompBrokerRegistry).session(client.connected.headers.session)!;
      const message = (i: number, body: string): Buffer =>
        Buffer.from(stompFrame('MESSAGE', { destination: '/topic/snapshot', subscription: inbox.id, 'message-id': `s${i}` }, body));
      session.connection.send(message(0, 'b'.repeat(600 * 1024)), false);
      for (let i = 1; i <= 3; i++) session.connection.send(message(i, `small ${i}`), false);
      const received = await inbox.waitFor(4, 5_000);
      expect(received.map((m) => m.body.length)).toEqual([600 * 1024, 7, 7, 7]);
      expect(running.app.get(StompBrokerRegistry).session(session.id)).toBeDefined();
      await client.disconnect();
    },
  );

  // sockjs-node frames every message on its own (a["..."], then a WebSocket frame each): a fan-out over SockJS
  // cost twice the CPU of raw WebSocket per message. A tick's messages to one session now travel as one frame.
  it('websocket: the messages of one tick reach the client as one SockJS frame, in order', async () => {
    const { ws, got } = await connectSockJsWebSocket(running.port, 'batch');
    const sessionId = /session:([^\\]+)\\n/.exec(got.find((m) => m.includes('CONNECTED'))!)![1];
    ws.send(JSON.stringify(['SUBSCRIBE\nid:sub-0\ndestination:/topic/batch\nreceipt:r1\n\n\0']));
    await until(() => got.some((m) => m.includes('receipt-id:r1')), 'RECEIPT');
    const before = got.length;
    const session = running.app.get(StompBrokerRegistry).session(sessionId)!;
    for (let i = 0; i < 20; i++) {
      const frame = stompFrame('MESSAGE', { destination: '/topic/batch', subscription: 'sub-0', 'message-id': `b${i}` }, `n${i}`);
      session.connection.send(Buffer.from(frame), false);
    }
    const frames = () => got.slice(before).filter((m) => m.startsWith('a'));
    const bodies = () => frames().flatMap((m) => (JSON.parse(m.slice(1)) as string[]).map((f) => f.slice(f.indexOf('\n\n') + 2, -1)));
    await until(() => bodies().length >= 20, '20 messages');
    expect(bodies()).toEqual(Array.from({ length: 20 }, (_, i) => `n${i}`));
    expect(frames()).toHaveLength(1);
    ws.close(1000);
  });

  // faye-websocket answers the close frame and destroys the socket in the read callback that also
  // carried the SEND: a RECEIPT still corked then was thrown away with the close reply (1006).
  it('websocket: a SEND with a receipt and the close frame in one read get the RECEIPT and a clean close', async () => {
    const { ws, got } = await connectSockJsWebSocket(running.port, 'corked');
    const closed = new Promise<number>((resolve) => ws.once('close', (code) => resolve(code)));
    // One TCP write for both, so the server reads them in one callback.
    const raw = (ws as unknown as { _socket: Writable })._socket;
    raw.cork();
    ws.send(JSON.stringify(['SEND\ndestination:/topic/x\nreceipt:r1\n\nbye\0']));
    ws.close(1000);
    raw.uncork();
    expect(await closed).toBe(1000);
    expect(got.some((m) => m.includes('RECEIPT') && m.includes('receipt-id:r1'))).toBe(true);
  });
});
