import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { Controller, Get, Header } from '@nestjs/common';
import { SimpMessagingTemplate } from '../../lib/index.js';
import { startApp, TEST_OPTIONS, type RunningApp } from '../fixtures/stomp-app.fixture.js';
import { launchBrowser } from '../fixtures/browser.fixture.js';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';

const stompBundle = readFileSync(
  createRequire(import.meta.url)
    .resolve('@stomp/stompjs')
    .replace(/stomp\.umd\.js$/, 'stomp.umd.min.js'),
  'utf8',
);

/** A page that connects with one forced SockJS transport, using only scripts this server serves. */
@Controller()
class PageController {
  @Get('stomp.umd.min.js')
  @Header('content-type', 'application/javascript')
  script(): string {
    return stompBundle;
  }

  @Get('page')
  @Header('content-type', 'text/html')
  page(): string {
    return `<!doctype html><script src="/stomp/sockjs-client.min.js"></script><script src="/stomp.umd.min.js"></script>
<script>
  const transport = new URLSearchParams(location.search).get('transport');
  window.received = [];
  const client = new StompJs.Client({ webSocketFactory: () => new SockJS('/stomp', null, { transports: [transport] }), reconnectDelay: 0 });
  client.onConnect = () => {
    client.subscribe('/topic/browser', (m) => window.received.push(m.body), { receipt: 'sub' });
    client.watchForReceipt('sub', () => { window.transportUsed = client.webSocket._transport.transportName; });
  };
  client.activate();
</script>`;
  }
}

describe('SockJS transports in a real browser', () => {
  let running: RunningApp;
  let browser: Awaited<ReturnType<typeof launchBrowser>>;
  beforeAll(async () => {
    running = await startApp(TEST_OPTIONS, { controllers: [PageController] });
    browser = await launchBrowser();
  });
  afterAll(async () => {
    await browser?.close();
    await running?.close();
  });

  it.each(['websocket', 'xhr-streaming', 'xhr-polling', 'eventsource', 'iframe-htmlfile', 'iframe-xhr-polling'])(
    '%s connects, subscribes and receives server pushes, offline',
    async (transport) => {
      const page = await browser.context.newPage();
      const pageErrors: string[] = [];
      page.on('pageerror', (e) => pageErrors.push(e.message));
      await page.goto(`${running.baseUrl}/page?transport=${transport}`);
      await page.waitForFunction(() => (window as unknown as { transportUsed?: string }).transportUsed !== undefined, null, {
        timeout: 10_000,
      });
      expect(pageErrors).toEqual([]);
      expect(await page.evaluate(() => (window as unknown as { transportUsed: string }).transportUsed)).toBe(transport);
      await running.app.get(SimpMessagingTemplate).convertAndSend('/topic/browser', `to ${transport}`);
      await page.waitForFunction(() => (window as unknown as { received: string[] }).received.length > 0, null, { timeout: 10_000 });
      expect(await page.evaluate(() => (window as unknown as { received: string[] }).received)).toEqual([`to ${transport}`]);
      await page.close();
    },
  );
});
