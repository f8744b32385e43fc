import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { Browser } from 'playwright-core';
import { launchChromium } from '../fixtures/browser.fixture.js';
import { connectSockJs, connectWebSocket } from '../fixtures/stomp-clients.fixture.js';
import { FROZEN_CHAIN, screenshotPath, startSample, type RunningSample } from '../fixtures/sample-app.fixture.js';

const cells = (page: import('playwright-core').Page, table: string) =>
  page.$$eval(`#${table} tbody tr`, (rows) => rows.map((r) => [...r.querySelectorAll('td')].map((td) => td.textContent ?? '')));

describe('sample app: the operator page in Chromium', () => {
  let sample: RunningSample;
  let browser: Browser;

  beforeAll(async () => {
    [sample, browser] = await Promise.all([
      startSample({
        ...FROZEN_CHAIN,
        ADMIN_STATS_INTERVAL_MS: '250',
        STOMP_BROKER_PREFIXES: '/topic/,/queue/',
        STOMP_QUEUES: '/queue/jobs/**',
      }),
      launchChromium(),
    ]);
  });
  afterAll(async () => {
    await browser?.close();
    await sample?.close();
  });

  it('shows sessions by transport, deliveries per second, top destinations, close reasons and queue depths, live over STOMP', async () => {
    const context = await browser.newContext({ viewport: { width: 1440, height: 900 } });
    const page = await context.newPage();
    const errors: string[] = [];
    page.on('pageerror', (error) => errors.push(error.message));
    await page.goto(`${sample.baseUrl}/admin`);
    await page.waitForSelector('#status[data-state="connected"]');

    const ana = await connectWebSocket(sample.baseUrl, '/block', { connectHeaders: { login: 'ana' } });
    const bob = await connectSockJs(sample.baseUrl, 'xhr-streaming', '/block', { connectHeaders: { login: 'bob' } });
    const carol = await connectWebSocket(sample.baseUrl, '/block', { connectHeaders: { login: 'carol' } });
    await Promise.all([ana.subscribeConfirmed('/topic/in'), bob.subscribeConfirmed('/topic/in')]);
    await carol.disconnect();

    // Traffic until the page shows deliveries per second above zero.
    let sending = true;
    const traffic = (async () => {
      for (let i = 0; sending; i++) await ana.sendConfirmed('/dap/in', `message ${i}`);
    })();
    await page.waitForFunction(() => Number(document.getElementById('stat-deliveries')?.textContent?.replace(/,/g, '')) > 0);

    // The page itself (SockJS websocket), ana and bob.
    await page.waitForFunction(() => document.getElementById('stat-sessions')?.textContent === '3');
    expect(Object.fromEntries((await cells(page, 'transports')).map(([name, count]) => [name, count]))).toEqual({
      'raw-websocket': '1',
      'xhr-streaming': '1',
      websocket: '1',
    });
    // The page's own snapshot subscription is gone once answered: /topic/in and the page's feed remain.
    // A stats push may predate ana's and bob's subscriptions on a loaded machine: wait for one that has them.
    await page.waitForFunction(() =>
      [...document.querySelectorAll('#destinations tbody tr')].some((r) => r.textContent?.includes('/topic/in')),
    );
    expect(await cells(page, 'destinations')).toEqual([
      ['/topic/in', '2'],
      ['/topic/admin/stats', '1'],
    ]);
    const closes = await cells(page, 'closes');
    expect(closes[0][0]).toContain('carol (raw-websocket)');
    expect(closes[0][1]).toBe('client-disconnect');
    expect(await page.textContent('#close-totals')).toContain('client-disconnect 1');
    // Queue depths: three jobs nobody takes; two more, of which a consumer with prefetch 1 holds one unacknowledged.
    expect(await cells(page, 'queues')).toEqual([['No queue holds a message (queues: STOMP_QUEUES)']]);
    for (let i = 0; i < 3; i++) await ana.sendConfirmed('/queue/jobs/build', `build ${i}`);
    for (let i = 0; i < 2; i++) await ana.sendConfirmed('/queue/jobs/deploy', `deploy ${i}`);
    const dave = await connectWebSocket(sample.baseUrl, '/block', { connectHeaders: { login: 'dave' } });
    const jobs = await dave.subscribeConfirmed('/queue/jobs/deploy', { ack: 'client-individual', 'prefetch-count': '1' });
    await jobs.waitFor(1);
    await page.waitForFunction(() => document.getElementById('queue-totals')?.textContent === '4 waiting · 1 unacknowledged');
    expect(await cells(page, 'queues')).toEqual([
      ['/queue/jobs/build', '3 · 0'],
      ['/queue/jobs/deploy', '1 · 1'],
    ]);

    // The chart has drawn points: uPlot's canvas exists and the page took several pushes.
    expect(await page.$$eval('#chart canvas', (c) => c.length)).toBe(1);
    expect(Number(await page.evaluate(() => document.body.dataset.updates))).toBeGreaterThanOrEqual(3);

    await page.screenshot({ path: screenshotPath('admin') });
    sending = false;
    await traffic;
    await Promise.all([ana.disconnect(), bob.disconnect(), dave.disconnect()]);
    expect(errors).toEqual([]);
    await context.close();
  });
});
