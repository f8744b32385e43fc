import { afterAll, beforeAll, describe, expect, it, jest } from '@jest/globals';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { ChainSimulator } from '../../sample-app/src/chain/chain.simulator.js';
import { launchChromium } from '../fixtures/browser.fixture.js';
import { FROZEN_CHAIN, screenshotPath, startSample, waitForCounter, type RunningSample } from '../fixtures/sample-app.fixture.js';

declare global {
  interface Window {
    /** Every uPlot chart the page made, captured by the init script below. */
    charts?: Array<{ data: [number[], Array<number | null>] }>;
  }
}

/**
 * The chart lives inside the page's modules; the test wraps the uPlot constructor before any script
 * runs (uPlot's file assigns a global `var uPlot`), so the series the chart really draws can be read.
 */
async function captureCharts(context: BrowserContext): Promise<void> {
  await context.addInitScript(() => {
    let wrapped: unknown;
    Object.defineProperty(window, 'uPlot', {
      configurable: true,
      get: () => wrapped,
      set: (real: new (...args: unknown[]) => object) => {
        wrapped = new Proxy(real, {
          construct: (target, args) => {
            const chart = Reflect.construct(target, args) as NonNullable<Window['charts']>[number];
            (window.charts ??= []).push(chart);
            return chart;
          },
        });
      },
    });
  });
}

const chartSeries = (page: Page) => page.evaluate(() => window.charts![0].data.map((values) => [...values]) as [number[], number[]]);
// Both chains start at the same height: only the hash tells an old block from a new one.
const blockHashes = (page: Page) => page.$$eval('#blocks li .hash', (items) => items.map((item) => item.getAttribute('title')));

// Two boots, a reconnect 2 s after the restart, and Chromium on a shared CI machine.
jest.setTimeout(90_000);

describe('sample app: the dashboard after a server restart', () => {
  let browser: Browser;
  let running: RunningSample | undefined;

  beforeAll(async () => {
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
    await running?.close();
  });

  it('starts the chart and the lists afresh from the new server, with nothing of the old one mixed in', async () => {
    running = await startSample();
    const { port } = running;
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    context.setDefaultTimeout(15_000);
    await captureCharts(context);
    const page = await context.newPage();
    const errors: string[] = [];
    page.on('pageerror', (error) => errors.push(error.message));
    await page.goto(`${running.baseUrl}/`);
    await waitForCounter(page, 'snapshots', 1);
    // Live points on top of the first server's history.
    await waitForCounter(page, 'supplyUpdates', 4);

    await running.close();
    running = undefined;
    await page.waitForSelector('#status[data-state="reconnecting"]');
    // The new server's chain never moves: whatever the page shows after the reconnect must be its snapshot.
    running = await startSample(FROZEN_CHAIN, { port });
    const fresh = running.app.get(ChainSimulator).snapshot();
    await waitForCounter(page, 'snapshots', 2);
    await page.waitForSelector('#status[data-state="connected"]');

    const [times, values] = await chartSeries(page);
    expect(times).toEqual(fresh.tpsHistory.map((point) => point.time / 1000));
    expect(values).toEqual(fresh.tpsHistory.map((point) => point.tps));
    expect(times.every((time, i) => i === 0 || time > times[i - 1])).toBe(true);
    expect(await blockHashes(page)).toEqual(fresh.blocks.slice(0, 10).map((block) => block.hash));
    expect(await page.textContent('#stat-height')).toBe(`#${fresh.supply.blockHeight.toLocaleString('en-US')}`);

    await page.screenshot({ path: screenshotPath('restart-desktop') });
    await page.setViewportSize({ width: 390, height: 844 });
    await page.screenshot({ path: screenshotPath('restart-phone'), fullPage: true });
    expect(errors).toEqual([]);
    await context.close();
  });
});
