import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { startApp, TEST_OPTIONS, type RunningApp } from '../fixtures/stomp-app.fixture.js';
import { connectSockJs } from '../fixtures/stomp-clients.fixture.js';
import { httpRequest, parseStompText, RawStompClient, SockJsHttpSession, stompFrame } from '../fixtures/raw-stomp.fixture.js';

const GOOD = 'https://good.example';
const EVIL = 'https://evil.example';

/** TEST_OPTIONS allow every origin; these tests set their own. */
const { allowedOrigins: _any, ...BASE } = TEST_OPTIONS;

async function upgradeStatus(baseUrl: string, path: string, origin?: string): Promise<number | 'open'> {
  try {
    const client = await RawStompClient.open(baseUrl, { path, headers: origin ? { Origin: origin } : {} });
    await client.close();
    return 'open';
  } catch (error) {
    const match = /HTTP (\d+)/.exec((error as Error).message);
    if (!match) throw error;
    return Number(match[1]);
  }
}

describe('allowedOrigins: [good origin, wildcard pattern]', () => {
  let running: RunningApp;
  beforeAll(async () => {
    running = await startApp({ ...BASE, allowedOrigins: [GOOD, 'https://*.trusted.example'], httpSendBytesLimit: 2048 });
  });
  afterAll(async () => running.close());

  it('SockJS /info: 403 for another origin, 200 for the allowed one and for a client that sends no Origin', async () => {
    expect((await httpRequest(`${running.baseUrl}/stomp/info`, { headers: { Origin: EVIL } })).status).toBe(403);
    const good = await httpRequest(`${running.baseUrl}/stomp/info`, { headers: { Origin: GOOD } });
    expect(good.status).toBe(200);
    expect(good.headers['access-control-allow-origin']).toBe(GOOD);
    expect((await httpRequest(`${running.baseUrl}/stomp/info`)).status).toBe(200);
  });

  it('wildcard origins match a subdomain only', async () => {
    expect((await httpRequest(`${running.baseUrl}/stomp/info`, { headers: { Origin: 'https://app.trusted.example' } })).status).toBe(200);
    expect((await httpRequest(`${running.baseUrl}/stomp/info`, { headers: { Origin: 'https://trusted.example.evil.com' } })).status).toBe(
      403,
    );
    expect((await httpRequest(`${running.baseUrl}/stomp/info`, { headers: { Origin: 'http://app.trusted.example' } })).status).toBe(403);
  });

  it('raw WebSocket upgrade: refused (403) for another origin, accepted for the allowed one and without Origin', async () => {
    expect(await upgradeStatus(running.baseUrl, '/stomp/websocket', EVIL)).toBe(403);
    expect(await upgradeStatus(running.baseUrl, '/stomp/websocket', GOOD)).toBe('open');
    expect(await upgradeStatus(running.baseUrl, '/stomp/websocket')).toBe('open');
  });

  it('the SockJS websocket transport and the xhr transports are guarded too', async () => {
    expect(await upgradeStatus(running.baseUrl, '/stomp/000/abcdefgh/websocket', EVIL)).toBe(403);
    const session = new SockJsHttpSession(running.baseUrl);
    const refused = await httpRequest(`${session.base}/xhr`, { method: 'POST', headers: { Origin: EVIL } });
    expect(refused.status).toBe(403);
    await session.open({ Origin: GOOD });
    expect((await session.send([stompFrame('CONNECT', { 'accept-version': '1.2' })], { Origin: EVIL })).status).toBe(403);
    expect((await session.send([stompFrame('DISCONNECT')], { Origin: GOOD })).status).toBe(204);
  });

  it('sockjs-client in Node (no Origin header) connects', async () => {
    const client = await connectSockJs(running.baseUrl, 'xhr-streaming');
    const inbox = await client.subscribeConfirmed('/topic/node');
    await client.sendConfirmed('/topic/node', 'from node');
    expect((await inbox.waitFor(1))[0].body).toBe('from node');
    await client.disconnect();
  });

  it('a connected session through an allowed origin works end to end', async () => {
    const client = await RawStompClient.connect(running.baseUrl, { 'accept-version': '1.2' }, { headers: { Origin: GOOD } });
    await client.sendWithReceipt('SUBSCRIBE', { id: 'o', destination: '/topic/origin' });
    await client.sendWithReceipt('SEND', { destination: '/topic/origin' }, 'ok');
    expect((await client.waitFor((f) => f.command === 'MESSAGE')).body).toBe('ok');
    await client.close();
  });

  it('an xhr_send body above httpSendBytesLimit gets 413 (with or without content-length), and the session lives on', async () => {
    const session = new SockJsHttpSession(running.baseUrl);
    await session.open();
    const big = JSON.stringify([stompFrame('SEND', { destination: '/topic/big' }, 'x'.repeat(3000))]);
    const declared = await httpRequest(`${session.base}/xhr_send`, {
      method: 'POST',
      headers: { 'content-type': 'text/plain', 'content-length': Buffer.byteLength(big) },
      body: big,
    });
    expect(declared.status).toBe(413);
    const chunked = await httpRequest(`${session.base}/xhr_send`, {
      method: 'POST',
      headers: { 'content-type': 'text/plain' },
      body: big,
      chunked: true,
    });
    expect(chunked.status).toBe(413);

    expect((await session.send([stompFrame('CONNECT', { 'accept-version': '1.2' })])).status).toBe(204);
    const poll = await session.pollData();
    expect(poll.messages.map((m) => parseStompText(m)?.command)).toEqual(['CONNECTED']);
    expect((await session.send([stompFrame('DISCONNECT')])).status).toBe(204);
  });
});

describe('allowedOrigins not set: same origin only', () => {
  let running: RunningApp;
  beforeAll(async () => (running = await startApp(BASE)));
  afterAll(async () => running.close());

  it("accepts the server's own origin and clients without Origin", async () => {
    const own = `http://127.0.0.1:${running.port}`;
    expect((await httpRequest(`${running.baseUrl}/stomp/info`, { headers: { Origin: own } })).status).toBe(200);
    expect((await httpRequest(`${running.baseUrl}/stomp/info`)).status).toBe(200);
    expect(await upgradeStatus(running.baseUrl, '/stomp/websocket', own)).toBe('open');
    expect(await upgradeStatus(running.baseUrl, '/stomp/websocket')).toBe('open');
  });

  it('sockjs-client in Node (no Origin header) connects over websocket and xhr-polling', async () => {
    for (const transport of ['websocket', 'xhr-polling'] as const) {
      const client = await connectSockJs(running.baseUrl, transport);
      expect(client.transport()).toBe(transport);
      await client.disconnect();
    }
  });

  it("refuses the page's host:port under another scheme (https page, http server), unless a proxy says it terminated TLS", async () => {
    const host = `127.0.0.1:${running.port}`;
    expect((await httpRequest(`${running.baseUrl}/stomp/info`, { headers: { Origin: `https://${host}` } })).status).toBe(403);
    expect(await upgradeStatus(running.baseUrl, '/stomp/websocket', `https://${host}`)).toBe(403);
    const proxied = { Origin: `https://${host}`, 'X-Forwarded-Proto': 'https' };
    expect((await httpRequest(`${running.baseUrl}/stomp/info`, { headers: proxied })).status).toBe(200);
    expect((await httpRequest(`${running.baseUrl}/stomp/info`, { headers: { ...proxied, Origin: `http://${host}` } })).status).toBe(403);
  });

  it('refuses other origins, including another port on the same host', async () => {
    expect((await httpRequest(`${running.baseUrl}/stomp/info`, { headers: { Origin: EVIL } })).status).toBe(403);
    expect(
      (await httpRequest(`${running.baseUrl}/stomp/info`, { headers: { Origin: `http://127.0.0.1:${running.port + 1}` } })).status,
    ).toBe(403);
    expect(await upgradeStatus(running.baseUrl, '/stomp/websocket', EVIL)).toBe(403);
  });

  it("leaves the app's other routes alone", async () => {
    expect((await httpRequest(`${running.baseUrl}/not-stomp`, { headers: { Origin: EVIL } })).status).toBe(404);
  });
});
