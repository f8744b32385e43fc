import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { StompBrokerRegistry } from '../../lib/index.js';
import { startApp, TEST_OPTIONS, type RunningApp } from '../fixtures/stomp-app.fixture.js';
import { httpRequest, RawStompClient } from '../fixtures/raw-stomp.fixture.js';

/**
 * WebSocket-level trouble from one client must end that client's session only. A WebSocket
 * message over the payload cap (httpSendBytesLimit, 4 x messageSizeLimit by default) is refused
 * by the WebSocket layer before it is buffered, with close code 1009 (Message Too Big); frames
 * between messageSizeLimit and the cap get a STOMP ERROR (limits.e2e-spec.ts).
 */
describe('WebSocket-level errors from a client', () => {
  let running: RunningApp;
  beforeAll(async () => (running = await startApp({ ...TEST_OPTIONS, messageSizeLimit: 1024 })));
  afterAll(async () => running.close());

  it('a message over the transport cap is refused with close code 1009 before it is buffered', async () => {
    const registry = running.app.get(StompBrokerRegistry);
    const client = await RawStompClient.connect(running.baseUrl);
    client.sendFrame('SEND', { destination: '/topic/a' }, 'z'.repeat(10_000));
    const { code } = await client.closed;
    expect(code).toBe(1009);
    expect(client.frames.map((f) => f.command)).toEqual(['CONNECTED']);
    expect(registry.sessionCount).toBe(0);
  });

  it('a message over the transport cap leaves the server running for everyone else', async () => {
    const client = await RawStompClient.connect(running.baseUrl);
    client.sendFrame('SEND', { destination: '/topic/a' }, 'z'.repeat(10_000));
    await client.closed;
    expect((await httpRequest(`${running.baseUrl}/stomp/info`)).status).toBe(200);
    const other = await RawStompClient.connect(running.baseUrl);
    await other.sendWithReceipt('SUBSCRIBE', { id: 'a', destination: '/topic/ok' });
    await other.sendWithReceipt('SEND', { destination: '/topic/ok' }, 'fine');
    expect((await other.waitFor((f) => f.command === 'MESSAGE')).body).toBe('fine');
    await other.close();
  });

  it('a text message with invalid UTF-8 closes that session (1007) and nothing else', async () => {
    const client = await RawStompClient.connect(running.baseUrl);
    client.ws.send(Buffer.concat([Buffer.from('SEND\ndestination:/topic/a\n\n'), Buffer.from([0xff, 0xfe, 0x00])]), { binary: false });
    const { code } = await client.closed;
    expect(code).toBe(1007);
    const other = await RawStompClient.connect(running.baseUrl);
    await other.sendWithReceipt('SUBSCRIBE', { id: 'a', destination: '/topic/ok2' });
    await other.close();
  });
});
