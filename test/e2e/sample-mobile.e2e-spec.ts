import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { Browser, Page } from 'playwright-core';
import { launchChromium } from '../fixtures/browser.fixture.js';
import { screenshotPath, openAs, startSample, type RunningSample, type SamplePage } from '../fixtures/sample-app.fixture.js';

const PHONE = { width: 390, height: 844 };

/** Picks a name by submitting the form in the page: Playwright's click would scroll the button into view itself. */
async function pickNameInPlace(page: Page, name: string): Promise<void> {
  await page.evaluate((value) => {
    (document.getElementById('login-name') as HTMLInputElement).value = value;
    (document.getElementById('login-form') as HTMLFormElement).requestSubmit();
  }, name);
  await page.waitForSelector('body[data-state="named"] #status[data-state="connected"]');
  await page.waitForSelector('#messages li.notice[data-kind="join"]');
}

describe('sample app on a 390 px wide phone screen, in Chromium', () => {
  let running: RunningSample;
  let browser: Browser;
  const pages: SamplePage[] = [];
  const open = async () => {
    const opened = await openAs(browser, running.baseUrl, undefined, undefined, PHONE);
    pages.push(opened);
    return opened;
  };

  beforeAll(async () => {
    running = await startSample();
    browser = await launchChromium();
  });
  afterAll(async () => {
    await Promise.all(pages.map((p) => p.close().catch(() => undefined)));
    await browser?.close();
    await running?.close();
  });

  it('connecting, and then picking a name, leave the page at the top (no focus jump to the composer)', async () => {
    const { page, errors } = await open();
    await page.waitForSelector('.tab[data-key="room:lobby"][aria-selected="true"]');
    expect(await page.evaluate(() => window.scrollY)).toBe(0);
    await pickNameInPlace(page, 'phone-user');
    expect(await page.evaluate(() => window.scrollY)).toBe(0);
    // Every figure fits its card on a phone (the supply has nine digits and two decimals).
    expect(await page.$$eval('.stat strong', (els) => els.filter((e) => e.scrollWidth > e.clientWidth).map((e) => e.textContent))).toEqual(
      [],
    );
    await page.screenshot({ path: screenshotPath('phone-390') });
    // A reload connects with the tab's name at once: the first attach opens the lobby with the composer shown.
    await page.reload();
    await page.waitForSelector('body[data-state="named"] #status[data-state="connected"]');
    await page.waitForSelector('#messages li.notice[data-kind="join"]');
    expect(await page.evaluate(() => window.scrollY)).toBe(0);
    // Another name starts afresh (the rooms are opened again on connect).
    await pickNameInPlace(page, 'phone-other');
    expect(await page.evaluate(() => window.scrollY)).toBe(0);
    expect(errors).toEqual([]);
  });

  it('keeps the header compact and lets the room line wrap instead of cutting it off', async () => {
    const { page, errors } = await open();
    await pickNameInPlace(page, 'phone-user-with-a-long-name-0001');
    const other = await openAs(browser, running.baseUrl, 'second-user-with-a-long-name-002');
    pages.push(other);
    await page.waitForSelector('#room-meta:has-text("second-user-with-a-long-name-002")');
    const header = await page.evaluate(() => document.querySelector('.topbar')!.getBoundingClientRect().height);
    expect(header).toBeLessThan(100);
    // The status (with its transport pill) is cut to fit, not pushed past the screen's edge.
    expect(await page.evaluate(() => document.getElementById('transport')!.getBoundingClientRect().right)).toBeLessThanOrEqual(PHONE.width);
    const line = await page.evaluate(() => {
      const meta = document.getElementById('room-meta')!;
      return { scrollWidth: meta.scrollWidth, clientWidth: meta.clientWidth };
    });
    expect(line.scrollWidth).toBeLessThanOrEqual(line.clientWidth);
    // The picker still works from the compact header.
    expect(await page.isVisible('#transport-picker')).toBe(true);
    expect(errors).toEqual([]);
  });
});
