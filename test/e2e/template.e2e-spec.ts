import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { SimpMessagingTemplate } from '../../lib/index.js';
import { startApp, type RunningApp } from '../fixtures/stomp-app.fixture.js';
import { connectSockJs, connectWebSocket, type TestClient } from '../fixtures/stomp-clients.fixture.js';
import { RawStompClient } from '../fixtures/raw-stomp.fixture.js';

describe('server push with SimpMessagingTemplate', () => {
  let running: RunningApp;
  let template: SimpMessagingTemplate;
  let ws: TestClient;
  let sockjs: TestClient;

  beforeAll(async () => {
    running = await startApp();
    template = running.app.get(SimpMessagingTemplate);
    ws = await connectWebSocket(running.baseUrl);
    sockjs = await connectSockJs(running.baseUrl, 'xhr-streaming');
  });
  afterAll(async () => {
    await ws.disconnect();
    await sockjs.disconnect();
    await running.close();
  });

  it('an object goes out as JSON with content-type application/json, to every subscriber', async () => {
    const a = await ws.subscribeConfirmed('/topic/json');
    const b = await sockjs.subscribeConfirmed('/topic/json');
    const delivered = await template.convertAndSend('/topic/json', { price: 12.5, tags: ['a', 'b'], nested: { ok: true } });
    expect(delivered).toBe(2);
    for (const inbox of [a, b]) {
      const [message] = await inbox.waitFor(1);
      expect(message.headers['content-type']).toBe('application/json');
      expect(JSON.parse(message.body)).toEqual({ price: 12.5, tags: ['a', 'b'], nested: { ok: true } });
      expect(message.headers['content-length']).toBe(String(Buffer.byteLength(message.body)));
      expect(message.headers.destination).toBe('/topic/json');
    }
  });

  it('a string goes out as text/plain, UTF-8 intact', async () => {
    const inbox = await sockjs.subscribeConfirmed('/topic/text');
    await template.convertAndSend('/topic/text', 'héllo wörld ✓');
    const [message] = await inbox.waitFor(1);
    expect(message.headers['content-type']).toMatch(/^text\/plain/);
    expect(message.body).toBe('héllo wörld ✓');
    expect(message.headers['content-length']).toBe(String(Buffer.byteLength('héllo wörld ✓')));
  });

  it('a Buffer goes out as application/octet-stream with custom headers, byte for byte (binary WebSocket message)', async () => {
    const raw = await RawStompClient.connect(running.baseUrl);
    await raw.sendWithReceipt('SUBSCRIBE', { id: 'bin', destination: '/topic/bytes' });
    const binaryMessages: boolean[] = [];
    raw.ws.on('message', (_data, isBinary) => binaryMessages.push(isBinary));
    const bytes = Buffer.from([0x00, 0x01, 0xff, 0xfe, 0x0a, 0x00, 0x7f]);
    await template.convertAndSend('/topic/bytes', bytes, { 'x-kind': 'blob', priority: 5, final: true });
    const message = await raw.waitFor((f) => f.command === 'MESSAGE');
    expect(message.headers['content-type']).toBe('application/octet-stream');
    expect(message.headers['content-length']).toBe(String(bytes.length));
    expect(message.bodyBytes.equals(bytes)).toBe(true);
    expect(message.headers['x-kind']).toBe('blob');
    expect(message.headers.priority).toBe('5');
    expect(message.headers.final).toBe('true');
    expect(binaryMessages).toEqual([true]);
    await raw.close();
  });

  it('stompjs reads a pushed Buffer as a binary body', async () => {
    const inbox = await ws.subscribeConfirmed('/topic/bytes2');
    await template.convertAndSend('/topic/bytes2', Buffer.from([1, 2, 3, 250]));
    const [message] = await inbox.waitFor(1);
    expect(message.isBinaryBody).toBe(true);
    expect([...message.binaryBody]).toEqual([1, 2, 3, 250]);
  });

  it('caller headers win over the chosen content-type, and values that need escaping arrive intact', async () => {
    const inbox = await ws.subscribeConfirmed('/topic/custom');
    await template.convertAndSend('/topic/custom', { a: 1 }, { 'content-type': 'application/vnd.block+json', 'x-note': 'a:b\nc\\d' });
    const [message] = await inbox.waitFor(1);
    expect(message.headers['content-type']).toBe('application/vnd.block+json');
    expect(message.headers['x-note']).toBe('a:b\nc\\d');
  });

  it('resolves to 0 when nobody listens', async () => {
    await expect(template.convertAndSend('/topic/nobody-here', 'x')).resolves.toBe(0);
  });

  it("rejects a destination that is not the broker's", async () => {
    await expect(template.convertAndSend('/app/orders', { id: 1 })).rejects.toThrow(/not a broker destination/);
    await expect(template.convertAndSend('/elsewhere/x', 'x')).rejects.toThrow(/not a broker destination/);
  });
});
