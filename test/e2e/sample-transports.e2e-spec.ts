import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { Browser } from 'playwright-core';
import { launchChromium } from '../fixtures/browser.fixture.js';
import { openAs, screenshotPath, startSample, waitForCounter, type RunningSample } from '../fixtures/sample-app.fixture.js';

describe('sample app: every SockJS transport the picker offers, in Chromium', () => {
  let running: RunningSample;
  let browser: Browser;

  beforeAll(async () => {
    running = await startSample();
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
    await running?.close();
  });

  it.each(['websocket', 'xhr-streaming', 'xhr-polling', 'eventsource', 'iframe-htmlfile'])(
    '%s: the page connects over it, gets the snapshot and live pushes, and chats',
    async (transport) => {
      const { page, errors, close } = await openAs(browser, running.baseUrl, `via-${transport}`, transport);
      expect(await page.textContent('#transport')).toBe(transport);
      expect(await page.inputValue('#transport-picker')).toBe(transport);
      await waitForCounter(page, 'snapshots', 1);
      await waitForCounter(page, 'liveBlocks', 1);
      await waitForCounter(page, 'supplyUpdates', 1);
      // A SEND from this transport comes back through the room's topic.
      await page.waitForSelector('#messages li.notice[data-kind="join"]');
      await page.fill('#message-input', `hello over ${transport}`);
      await page.press('#message-input', 'Enter');
      await page.waitForSelector(`#messages li.msg.mine:has-text("hello over ${transport}")`);
      if (transport === 'xhr-polling') await page.screenshot({ path: screenshotPath(`transport-${transport}`) });
      expect(errors).toEqual([]);
      await close();
    },
  );

  it('switching the picker reconnects over the chosen transport and keeps the URL in step', async () => {
    const { page, errors, close } = await openAs(browser, running.baseUrl, 'switcher');
    expect(await page.textContent('#transport')).toBe('websocket');
    await page.selectOption('#transport-picker', 'xhr-streaming');
    await page.waitForSelector('#transport:has-text("xhr-streaming")');
    await page.waitForSelector('#status[data-state="connected"]');
    expect(new URL(page.url()).searchParams.get('transport')).toBe('xhr-streaming');
    expect(errors).toEqual([]);
    await close();
  });
});
