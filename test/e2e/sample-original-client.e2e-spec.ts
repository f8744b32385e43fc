import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createRequire } from 'node:module';
import type { Browser } from 'playwright-core';
import SockJS from 'sockjs-client';
import Stomp, { type Frame as LegacyFrame } from 'stompjs';
import { launchChromium } from '../fixtures/browser.fixture.js';
import { as } from '../fixtures/handlers.fixture.js';
import { startSample, waitForCounter, type RunningSample } from '../fixtures/sample-app.fixture.js';
import { connectSockJs, connectWebSocket, type TestClient } from '../fixtures/stomp-clients.fixture.js';

const require = createRequire(import.meta.url);
const json = { 'content-type': 'application/json' };

/**
 * The original page's script, word for word (only the URL is absolute in Node): no login header,
 * subscribe once connected. Resolves with the first block pushed on /topic/blockInfo.
 */
function originalSnippet(url: string): Promise<{ block: LegacyFrame; close(): void }> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('timeout: no blockInfo')), 10_000);
    // eslint-disable-next-line no-var -- the original page declares it with var
    var client = Stomp.over(new SockJS(url));
    client.debug = null;
    client.connect(
      {},
      function () {
        client.subscribe('/topic/blockInfo', function (r) {
          clearTimeout(timer);
          resolve({ block: r, close: () => client.disconnect() });
        });
      },
      (error) => {
        clearTimeout(timer);
        reject(new Error(`refused: ${typeof error === 'string' ? error : error.headers.message}`));
      },
    );
  });
}

/** The same snippet in a page served from the sample's origin, with stompjs 2.3.3 and the endpoint's sockjs-client. */
const ORIGINAL_PAGE = `<!doctype html>
<script src="/block/sockjs-client.min.js"></script>
<script src="/original/stomp.js"></script>
<script>
  window.blocks = [];
  var client = Stomp.over(new SockJS('/block'));
  client.connect({}, function () {
    client.subscribe('/topic/blockInfo', function (r) { window.blocks.push(JSON.parse(r.body)); });
  });
</script>`;

describe('sample app: the original page works unchanged; a name is needed to chat only', () => {
  let running: RunningSample;
  let browser: Browser;
  const clients: TestClient[] = [];
  const keep = (client: TestClient) => (clients.push(client), client);

  beforeAll(async () => {
    [running, browser] = await Promise.all([startSample(), launchChromium()]);
  });
  afterAll(async () => {
    await Promise.all(clients.map((c) => c.disconnect()));
    await browser?.close();
    await running?.close();
  });

  it('stompjs 2.3.3 over sockjs-client in Node: connect({}) with no login receives /topic/blockInfo', async () => {
    const { block, close } = await originalSnippet(`${running.baseUrl}/block`);
    expect(block.headers.destination).toBe('/topic/blockInfo');
    expect(JSON.parse(block.body)).toMatchObject({ height: expect.any(Number), hash: expect.stringMatching(/^0x/) });
    close();
  });

  it("stompjs 2.3.3 in Chromium, served from the sample's origin: the verbatim snippet receives /topic/blockInfo", async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    const errors: string[] = [];
    page.on('pageerror', (error) => errors.push(error.message));
    await page.route(`${running.baseUrl}/original/stomp.js`, (route) =>
      route.fulfill({ path: require.resolve('stompjs/lib/stomp.js'), contentType: 'text/javascript' }),
    );
    await page.route(`${running.baseUrl}/original.html`, (route) => route.fulfill({ body: ORIGINAL_PAGE, contentType: 'text/html' }));
    await page.goto(`${running.baseUrl}/original.html`);
    await page.waitForFunction(() => (window as unknown as { blocks: unknown[] }).blocks.length >= 1);
    const [block] = await page.evaluate(() => (window as unknown as { blocks: Array<{ height: number }> }).blocks);
    expect(block.height).toBeGreaterThan(0);
    expect(errors).toEqual([]);
    await context.close();
  });

  it('a guest is told "Access denied" for every chat SEND, keeps its session, and is not listed online', async () => {
    const guest = keep(await connectSockJs(running.baseUrl, 'websocket', '/block'));
    expect(guest.connected.headers['user-name']).toBeDefined();
    const watcher = keep(await connectWebSocket(running.baseUrl, '/block', as('watcher')));
    const room = await watcher.subscribeConfirmed('/topic/rooms/lobby');
    const errors = await guest.subscribeConfirmed('/user/queue/errors');
    const refused = [
      '/dap/rooms/lobby/join',
      '/dap/rooms/lobby/send',
      '/dap/hello',
      '/dap/in',
      '/dap/out',
      '/dap/private',
      '/topic/rooms/lobby',
    ];
    // A refused SEND gets no RECEIPT: the report names the receipt it asked for instead.
    refused.forEach((destination, i) =>
      guest.client.publish({
        destination,
        body: JSON.stringify({ sendMessage: 'hi', sender: 'guest', to: 'watcher' }),
        headers: { ...json, receipt: `guest-${i}` },
      }),
    );
    const reports = (await errors.waitFor(refused.length)).map((m) => JSON.parse(m.body));
    expect(reports).toEqual(
      refused.map((destination, i) => ({ message: `Access denied: SEND to '${destination}'`, destination, receipt: `guest-${i}` })),
    );

    // Reading is allowed: the room's snapshot, and the room's topic (the watcher's own join comes first there).
    const snapshot = await guest.subscribeConfirmed('/dap/rooms/lobby');
    expect(JSON.parse((await snapshot.waitFor(1))[0].body)).toMatchObject({ roomId: 'lobby', members: [] });
    const online = await guest.subscribeConfirmed('/dap/users');
    expect(JSON.parse((await online.waitFor(1))[0].body).users).toEqual(['watcher']);
    await watcher.sendConfirmed('/dap/rooms/lobby/join', '{}', json);
    expect(JSON.parse((await room.waitFor(1))[0].body)).toMatchObject({ kind: 'join', sender: 'watcher', members: ['watcher'] });
    expect(guest.errors).toEqual([]);
  });

  it('a named user chats in a room and on the original /dap/hello', async () => {
    const kim = keep(await connectSockJs(running.baseUrl, 'xhr-streaming', '/block', as('kim-named')));
    const guest = keep(await connectWebSocket(running.baseUrl, '/block'));
    const [room, hello] = await Promise.all([guest.subscribeConfirmed('/topic/rooms/named'), guest.subscribeConfirmed('/topic/roomId')]);
    await kim.sendConfirmed('/dap/rooms/named/join', '{}', json);
    await kim.sendConfirmed('/dap/rooms/named/send', JSON.stringify({ sendMessage: 'hello guests' }), json);
    await kim.sendConfirmed('/dap/hello', JSON.stringify({ sender: 'kim', sendMessage: 'hello 2018' }), json);
    const [, message] = (await room.waitFor(2)).map((m) => JSON.parse(m.body));
    expect(message).toMatchObject({ kind: 'message', sender: 'kim-named', sendMessage: 'hello guests' });
    expect(JSON.parse((await hello.waitFor(1))[0].body)).toEqual({ sender: 'kim', sendMessage: 'hello 2018' });
  });

  it('the page shows the dashboard to a guest, reads the lobby, and asks for a name in the chat panel only', async () => {
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    const page = await context.newPage();
    const errors: string[] = [];
    page.on('pageerror', (error) => errors.push(error.message));
    const host = keep(await connectWebSocket(running.baseUrl, '/block', as('host')));
    await host.sendConfirmed('/dap/rooms/lobby/join', '{}', json);
    await host.sendConfirmed('/dap/rooms/lobby/send', JSON.stringify({ sendMessage: 'welcome, readers' }), json);

    await page.goto(`${running.baseUrl}/`);
    await page.waitForSelector('#status[data-state="connected"]');
    await waitForCounter(page, 'snapshots', 1);
    await waitForCounter(page, 'liveBlocks', 1);
    expect(await page.getAttribute('body', 'data-state')).toBe('guest');
    expect(await page.isVisible('#blocks li')).toBe(true);
    await page.waitForSelector('#messages li.msg:has-text("welcome, readers")');
    expect(await page.isVisible('#login-form')).toBe(true);
    expect(await page.isVisible('#composer')).toBe(false);

    const inbox = await host.subscribeConfirmed('/topic/rooms/lobby');
    await page.fill('#login-name', 'reader');
    await page.click('#login-submit');
    await page.waitForSelector('body[data-state="named"]');
    await page.waitForSelector('#status[data-state="connected"]');
    expect(await page.textContent('#me-name')).toBe('reader');
    await page.fill('#message-input', 'thanks, host');
    await page.press('#message-input', 'Enter');
    const [joined, said] = (await inbox.waitFor(2)).map((m) => JSON.parse(m.body));
    expect(joined).toMatchObject({ kind: 'join', sender: 'reader', members: expect.arrayContaining(['host', 'reader']) });
    expect(said).toMatchObject({ kind: 'message', sender: 'reader', sendMessage: 'thanks, host' });
    expect(errors).toEqual([]);
    await context.close();
  });
});
