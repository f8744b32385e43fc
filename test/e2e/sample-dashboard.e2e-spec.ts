import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { Browser } from 'playwright-core';
import { ChainSimulator } from '../../sample-app/src/chain/chain.simulator.js';
import { launchChromium } from '../fixtures/browser.fixture.js';
import {
  FROZEN_CHAIN,
  openAs,
  pageCounter,
  pickName,
  screenshotPath,
  startSample,
  waitForCounter,
  type RunningSample,
} from '../fixtures/sample-app.fixture.js';

const blockHeights = (page: import('playwright-core').Page) =>
  page.$$eval('#blocks li', (items) => items.map((item) => Number((item as HTMLElement).dataset.height)));

describe('sample app: the live dashboard in Chromium', () => {
  let live: RunningSample;
  let frozen: RunningSample;
  let browser: Browser;

  beforeAll(async () => {
    [live, frozen, browser] = await Promise.all([startSample(), startSample(FROZEN_CHAIN), launchChromium()]);
  });
  afterAll(async () => {
    await browser?.close();
    await Promise.all([live?.close(), frozen?.close()]);
  });

  it('shows the latest state at once, then receives new blocks and supply updates', async () => {
    const { page, errors, close } = await openAs(browser, live.baseUrl, 'ana');
    await waitForCounter(page, 'snapshots', 1);
    const first = await blockHeights(page);
    expect(first.length).toBeGreaterThanOrEqual(10);

    // Two blocks mined since the snapshot, pushed on /topic/blockInfo, on top of the list.
    await page.waitForFunction(
      (min) => Number((document.querySelector('#blocks li') as HTMLElement | null)?.dataset.height) >= min,
      first[0] + 2,
    );
    await waitForCounter(page, 'supplyUpdates', 2);
    expect(await pageCounter(page, 'liveBlocks')).toBeGreaterThanOrEqual(2);
    const later = await blockHeights(page);
    expect(later).toEqual([...later].sort((a, b) => b - a));
    // The supply card shows the height of the latest block it knows, as "#1,204,831".
    expect(await page.textContent('#stat-height')).toMatch(/^#\d{1,3}(,\d{3})+$/);
    expect(await page.textContent('#stat-supply')).toMatch(/^\d{1,3}(,\d{3})+\.\d$/);
    expect(await page.$$eval('#transactions li', (items) => items.length)).toBeGreaterThan(0);
    expect(await page.textContent('#transport')).toBe('websocket');
    await page.screenshot({ path: screenshotPath('dashboard') });
    expect(errors).toEqual([]);
    await close();
  });

  it('gets the snapshot again on reload, before anything new happens on the chain', async () => {
    const chain = frozen.app.get(ChainSimulator).snapshot();
    const { page, errors, close } = await openAs(browser, frozen.baseUrl, 'bob');
    await page.reload();
    // The chain is frozen for this app: every block, transaction and figure shown came from /dap/dashboard.
    await waitForCounter(page, 'snapshots', 1);
    expect(await pageCounter(page, 'liveBlocks')).toBe(0);
    expect(await pageCounter(page, 'supplyUpdates')).toBe(0);
    expect(await blockHeights(page)).toEqual(chain.blocks.slice(0, 10).map((b) => b.height));
    expect(await page.$$eval('#transactions li', (items) => items.map((i) => (i as HTMLElement).dataset.hash))).toEqual(
      chain.transactions.slice(0, 10).map((t) => t.hash),
    );
    expect(await page.textContent('#stat-height')).toBe(`#${chain.supply.blockHeight.toLocaleString('en-US')}`);
    expect(await page.textContent('#status-text')).toBe('Connected · STOMP 1.2');
    expect(errors).toEqual([]);
    await close();
  });

  it('refuses an empty or overlong name with the server message and stays a guest, then accepts a good one', async () => {
    const { page, errors, close } = await openAs(browser, live.baseUrl, undefined);
    for (const name of ['   ', 'x'.repeat(33)]) {
      await page.fill('#login-name', name);
      await page.click('#login-submit');
      await page.waitForSelector('#login-error:has-text("Name must be 1 to 32 characters")');
      // Back to a guest session: the dashboard goes on.
      await page.waitForSelector('body[data-state="guest"] #status[data-state="connected"]');
    }
    await pickName(page, 'y'.repeat(32));
    expect(await page.textContent('#me-name')).toBe('y'.repeat(32));
    expect(errors).toEqual([]);
    await close();
  });
});
