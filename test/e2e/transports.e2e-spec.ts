import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { StompBrokerRegistry } from '../../lib/index.js';
import { startApp, TEST_OPTIONS, type RunningApp } from '../fixtures/stomp-app.fixture.js';
import { connectSockJs, connectWebSocket, type SockJsTransport } from '../fixtures/stomp-clients.fixture.js';
import { httpRequest, RawStompClient } from '../fixtures/raw-stomp.fixture.js';

const TRANSPORTS: SockJsTransport[] = ['websocket', 'xhr-streaming', 'xhr-polling', 'eventsource'];

describe.each([{ platform: 'express' }, { platform: 'fastify' }] as const)('transports on platform-$platform', ({ platform }) => {
  let running: RunningApp;
  beforeAll(async () => (running = await startApp(undefined, { platform })));
  afterAll(async () => running.close());

  it.each(TRANSPORTS)('SockJS %s: the forced transport is used and a SEND reaches a subscriber', async (transport) => {
    const subscriber = await connectSockJs(running.baseUrl, transport);
    const sender = await connectSockJs(running.baseUrl, transport);
    expect(subscriber.transport()).toBe(transport);
    expect(sender.transport()).toBe(transport);
    expect(subscriber.connected.headers.version).toBe('1.2');

    const destination = `/topic/${transport}`;
    const inbox = await subscriber.subscribeConfirmed(destination);
    await sender.sendConfirmed(destination, `hello over ${transport}`, { 'x-transport': transport });
    const [message] = await inbox.waitFor(1);
    expect(message.body).toBe(`hello over ${transport}`);
    expect(message.headers['x-transport']).toBe(transport);
    expect(message.headers.destination).toBe(destination);

    // The server sees the same transport (sockjs-node's name for it).
    const registry = running.app.get(StompBrokerRegistry);
    const session = registry.session(subscriber.connected.headers.session);
    expect(session?.connection.transport).toBe(transport);

    await subscriber.disconnect();
    await sender.disconnect();
  });

  it('raw WebSocket at <endpoint>/websocket negotiates v12.stomp and round-trips', async () => {
    const raw = await RawStompClient.open(running.baseUrl, { protocols: ['v10.stomp', 'v11.stomp', 'v12.stomp'] });
    expect(raw.ws.protocol).toBe('v12.stomp');
    raw.sendFrame('CONNECT', { 'accept-version': '1.0,1.1,1.2', host: 'localhost' });
    const connected = await raw.waitFor((f) => f.command === 'CONNECTED');
    expect(connected.headers.version).toBe('1.2');
    await raw.sendWithReceipt('SUBSCRIBE', { id: 'a', destination: '/topic/raw' });

    const stompjs = await connectWebSocket(running.baseUrl);
    await stompjs.sendConfirmed('/topic/raw', 'from stompjs over ws');
    const message = await raw.waitFor((f) => f.command === 'MESSAGE');
    expect(message.body).toBe('from stompjs over ws');
    expect(message.headers.subscription).toBe('a');

    await stompjs.disconnect();
    await raw.close();
  });

  it('raw WebSocket offering only v11.stomp gets v11.stomp', async () => {
    const raw = await RawStompClient.open(running.baseUrl, { protocols: ['v11.stomp'] });
    expect(raw.ws.protocol).toBe('v11.stomp');
    await raw.close();
  });

  it('SockJS and raw WebSocket sessions share one broker', async () => {
    const polling = await connectSockJs(running.baseUrl, 'xhr-polling');
    const ws = await connectWebSocket(running.baseUrl);
    const inbox = await polling.subscribeConfirmed('/topic/shared');
    await ws.sendConfirmed('/topic/shared', 'across transports');
    expect((await inbox.waitFor(1))[0].body).toBe('across transports');
    await polling.disconnect();
    await ws.disconnect();
  });
});

describe('sessionCookieNeeded (sticky load balancing)', () => {
  it.each([true, false])('with %s, SockJS says cookie_needed and sets JSESSIONID accordingly', async (needed) => {
    const running = await startApp({ ...TEST_OPTIONS, sessionCookieNeeded: needed });
    try {
      const info = await httpRequest(`${running.baseUrl}/stomp/info`);
      expect(JSON.parse(info.body).cookie_needed).toBe(needed);
      const open = await httpRequest(`${running.baseUrl}/stomp/000/cookie${needed}/xhr`, { method: 'POST' });
      expect(open.body.startsWith('o')).toBe(true);
      expect(String(open.headers['set-cookie'] ?? '').includes('JSESSIONID=')).toBe(needed);
    } finally {
      await running.close();
    }
  });
});
