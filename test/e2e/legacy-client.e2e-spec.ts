import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import SockJS from 'sockjs-client';
import Stomp, { type Client as LegacyClient, type Frame as LegacyFrame } from 'stompjs';
import { SimpMessagingTemplate, StompBrokerRegistry, StompModule } from '../../lib/index.js';
import { startApp, type RunningApp } from '../fixtures/stomp-app.fixture.js';
import type { IMessage } from '@stomp/stompjs';
import { connectSockJs, MessageInbox } from '../fixtures/stomp-clients.fixture.js';
import { httpRequest, RawStompClient } from '../fixtures/raw-stomp.fixture.js';

/** The original system's Spring configuration, as written there. */
const SPRING_CONFIG = {
  endpoint: '/block',
  appPrefix: '/dap',
  brokerPrefixes: ['/topic/'],
  streamBytesLimit: 512 * 1024,
  httpMessageCacheSize: 1000,
};

/** The original front end's code: `Stomp.over(new SockJS(url))`, then connect({}, onConnect, onError). */
function connectLegacy(url: string): Promise<{ client: LegacyClient; connected: LegacyFrame }> {
  const client = Stomp.over(new SockJS(url));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('timeout: legacy CONNECTED')), 10_000);
    client.connect(
      {},
      (connected) => {
        clearTimeout(timer);
        resolve({ client, connected });
      },
      (error) => {
        clearTimeout(timer);
        reject(new Error(`legacy client error: ${typeof error === 'string' ? error : error.headers.message}`));
      },
    );
  });
}

/** Subscribes with the legacy client and waits for the RECEIPT it asked for; messages land in an inbox. */
function legacySubscribe(client: LegacyClient, destination: string): Promise<MessageInbox> {
  const inbox = new MessageInbox();
  const receipt = `legacy-sub-${destination}`;
  return new Promise((resolve) => {
    client.onreceipt = (frame) => {
      if (frame.headers['receipt-id'] === receipt) resolve(inbox);
    };
    inbox.id = client.subscribe(destination, (frame) => inbox.push(frame as unknown as IMessage), { receipt }).id;
  });
}

describe('the original Spring configuration and the legacy stompjs 2.3.3 client', () => {
  let running: RunningApp;
  beforeAll(async () => (running = await startApp(undefined, { stompModule: StompModule.forRoot(SPRING_CONFIG) })));
  afterAll(async () => running.close());

  it('StompBrokerRegistry.options reflects the configuration', () => {
    const { options } = running.app.get(StompBrokerRegistry);
    expect(options.endpoint).toBe('/block');
    expect(options.appPrefixes).toEqual(['/dap/']);
    expect(options.brokerPrefixes).toEqual(['/topic/']);
    expect(options.streamBytesLimit).toBe(512 * 1024);
    expect(options.httpMessageCacheSize).toBe(1000);
  });

  it('serves SockJS at /block and nothing at the default /stomp', async () => {
    const info = await httpRequest(`${running.baseUrl}/block/info`);
    expect(info.status).toBe(200);
    expect(JSON.parse(info.body)).toMatchObject({ websocket: true });
    expect((await httpRequest(`${running.baseUrl}/stomp/info`)).status).toBe(404);
  });

  it('legacy client: Stomp.over(new SockJS(url)) connects, subscribes and receives what others send and the server pushes', async () => {
    const { client, connected } = await connectLegacy(`${running.baseUrl}/block`);
    // stompjs 2.3.3 offers accept-version 1.1,1.0.
    expect(connected.headers.version).toBe('1.1');
    const inbox = await legacySubscribe(client, '/topic/blocks');

    // A modern client on the same endpoint publishes.
    const modern = await connectSockJs(running.baseUrl, 'xhr-streaming', '/block');
    await modern.sendConfirmed('/topic/blocks', 'block #1', { 'x-height': '1' });
    await running.app.get(SimpMessagingTemplate).convertAndSend('/topic/blocks', { height: 2, hash: 'abc' });

    const [first, second] = await inbox.waitFor(2);
    expect(first.body).toBe('block #1');
    expect(first.headers['x-height']).toBe('1');
    expect(first.headers.destination).toBe('/topic/blocks');
    expect(JSON.parse(second.body)).toEqual({ height: 2, hash: 'abc' });
    expect(second.headers['content-type']).toBe('application/json');

    // And the other way: the legacy client sends, a modern subscriber receives.
    const modernInbox = await modern.subscribeConfirmed('/topic/from-legacy');
    client.send('/topic/from-legacy', { 'x-from': 'legacy' }, 'hello from 2013');
    const [fromLegacy] = await modernInbox.waitFor(1);
    expect(fromLegacy.body).toBe('hello from 2013');
    expect(fromLegacy.headers['x-from']).toBe('legacy');

    client.disconnect();
    await modern.disconnect();
  });

  it('modern clients exchange on /topic/... over SockJS and raw WebSocket at /block', async () => {
    const sockjs = await connectSockJs(running.baseUrl, 'websocket', '/block');
    const raw = await RawStompClient.connect(running.baseUrl, { 'accept-version': '1.2' }, { path: '/block/websocket' });
    await raw.sendWithReceipt('SUBSCRIBE', { id: 'r', destination: '/topic/prices' });
    await sockjs.sendConfirmed('/topic/prices', '42');
    expect((await raw.waitFor((f) => f.command === 'MESSAGE')).body).toBe('42');
    await sockjs.disconnect();
    await raw.close();
  });

  it('only /topic/ is a broker destination: a SEND elsewhere is refused', async () => {
    const raw = await RawStompClient.connect(running.baseUrl, { 'accept-version': '1.2' }, { path: '/block/websocket' });
    raw.sendFrame('SEND', { destination: '/queue/x' }, 'nope');
    const error = await raw.waitFor((f) => f.command === 'ERROR');
    expect(error.headers.message).toMatch(/destination/i);
    await raw.closed;
  });
});
