import { afterAll, beforeAll, describe, expect, it, jest } from '@jest/globals';
import type { Browser, Page } from 'playwright-core';
import { LEAVE_GRACE_MS } from '../../sample-app/src/chat/presence.service.js';
import { launchChromium } from '../fixtures/browser.fixture.js';
import { openAs, screenshotPath, startSample, type RunningSample, type SamplePage } from '../fixtures/sample-app.fixture.js';

async function say(page: Page, text: string): Promise<void> {
  await page.fill('#message-input', text);
  await page.press('#message-input', 'Enter');
}

/** Waits until the open conversation shows a message with this text, and returns who it is from (data-sender). */
async function seen(page: Page, text: string): Promise<string | undefined> {
  const item = page.locator('#messages li.msg', { hasText: text });
  await item.waitFor();
  return (await item.getAttribute('data-sender')) ?? undefined;
}

async function openRoom(page: Page, roomId: string): Promise<void> {
  await page.fill('#room-input', roomId);
  await page.press('#room-input', 'Enter');
  await page.waitForSelector(`.tab[data-key="room:${roomId}"][aria-selected="true"]`);
}

// Three Chromium pages, each connecting as a guest and then by name: about 14 s per test on a quiet
// machine, and CI's other workers share its two cores.
jest.setTimeout(90_000);

describe('sample app: chat in Chromium', () => {
  let running: RunningSample;
  let browser: Browser;
  const pages: SamplePage[] = [];
  const open = async (name: string) => {
    const opened = await openAs(browser, running.baseUrl, name);
    pages.push(opened);
    return opened;
  };

  beforeAll(async () => {
    running = await startSample();
    browser = await launchChromium();
  });
  afterAll(async () => {
    // Pages a failed test left open; closing one twice is harmless.
    await Promise.all(pages.map((p) => p.close().catch(() => undefined)));
    await browser?.close();
    await running?.close();
  });

  it('two users in a room each see the other join and speak', async () => {
    const [ana, bob] = [await open('ana'), await open('bob')];
    await Promise.all([openRoom(ana.page, 'trading'), openRoom(bob.page, 'trading')]);
    await ana.page.waitForSelector('#messages li.notice[data-kind="join"]:has-text("bob joined")');
    expect(await ana.page.textContent('#room-meta')).toBe('2 here: ana, bob');

    await say(ana.page, 'Block 42 just landed');
    expect(await seen(bob.page, 'Block 42 just landed')).toBe('ana');
    await say(bob.page, 'TPS is climbing again');
    expect(await seen(ana.page, 'TPS is climbing again')).toBe('bob');
    // Each sees their own message as theirs.
    await ana.page.waitForSelector('#messages li.msg.mine:has-text("Block 42 just landed")');

    // The lobby is a different room: nothing said in #trading shows there.
    await ana.page.click('.tab[data-key="room:lobby"]');
    expect(await ana.page.locator('#messages li.msg').count()).toBe(0);
    await ana.page.click('.tab[data-key="room:trading"]');

    await ana.page.screenshot({ path: screenshotPath('chat-ana') });
    await bob.page.screenshot({ path: screenshotPath('chat-bob') });

    // bob closes his tab: the server turns the closed session into a leave notice.
    await bob.close();
    await ana.page.waitForSelector('#messages li.notice[data-kind="leave"]:has-text("bob left")');
    expect(await ana.page.textContent('#room-meta')).toBe('1 here: ana');
    expect([...ana.errors, ...bob.errors]).toEqual([]);
  });

  it('a user switching transport is not seen leaving and joining again; really going is announced after the grace', async () => {
    const ana = await open('ana-t');
    await openRoom(ana.page, 'switch');
    const bob = await open('bob-t');
    await openRoom(bob.page, 'switch');
    await bob.page.waitForSelector('#room-meta:has-text("2 here: ana-t, bob-t")');
    const notices = () => bob.page.locator('#messages li.notice').allTextContents();
    const before = await notices();

    // The picker disconnects and connects again over the transport picked; the page enters its rooms again.
    await ana.page.selectOption('#transport-picker', 'xhr-streaming');
    await ana.page.waitForSelector('#status[data-state="connected"] #transport:has-text("xhr-streaming")');
    // Past the grace of the closed session, so a leave it still owed would have gone out by now.
    await ana.page.waitForTimeout(LEAVE_GRACE_MS + 1000);
    await say(ana.page, 'same ana, other transport');
    expect(await seen(bob.page, 'same ana, other transport')).toBe('ana-t');
    expect(await notices()).toEqual(before);
    expect(await bob.page.textContent('#room-meta')).toBe('2 here: ana-t, bob-t');
    await bob.page.screenshot({ path: screenshotPath('chat-after-switch-bob') });

    const closedAt = Date.now();
    await ana.close();
    await bob.page.waitForSelector('#messages li.notice[data-kind="leave"]:has-text("ana-t left")');
    expect(Date.now() - closedAt).toBeGreaterThanOrEqual(LEAVE_GRACE_MS);
    expect(await bob.page.textContent('#room-meta')).toBe('1 here: bob-t');
    expect([...ana.errors, ...bob.errors]).toEqual([]);
  });

  it('a private message reaches its recipient and nobody else', async () => {
    const [kim, lee, max] = [await open('kim'), await open('lee'), await open('max')];
    await kim.page.waitForSelector('#online .person[data-user="lee"]');
    await kim.page.click('#online .person[data-user="lee"]');
    await kim.page.waitForSelector('.tab[data-key="dm:lee"][aria-selected="true"]');
    await say(kim.page, 'psst, only for lee');
    await seen(kim.page, 'psst, only for lee');

    // lee gets a new conversation with an unread badge.
    await lee.page.waitForSelector('.tab[data-key="dm:kim"] .unread');
    await lee.page.click('.tab[data-key="dm:kim"]');
    expect(await seen(lee.page, 'psst, only for lee')).toBe('kim');

    // Then kim writes to max. Messages from one session are handled in order, so when this one has
    // reached max, the one before it would have too, had it been delivered to him.
    await max.page.waitForSelector('#online .person[data-user="kim"]');
    await kim.page.click('#online .person[data-user="max"]');
    await say(kim.page, 'hello max');
    await max.page.waitForSelector('.tab[data-key="dm:kim"] .unread');
    await max.page.click('.tab[data-key="dm:kim"]');
    await seen(max.page, 'hello max');
    expect(await max.page.locator('#messages li.msg').allTextContents()).toEqual([expect.stringContaining('hello max')]);
    expect(await max.page.locator('.tab[data-key^="dm:"]').count()).toBe(1);
    expect(await max.page.content()).not.toContain('only for lee');
    await lee.page.screenshot({ path: screenshotPath('private-lee') });
    expect([...kim.errors, ...lee.errors, ...max.errors]).toEqual([]);
  });

  it('a second page picking a name already online is told "Name already in use" and stays a guest', async () => {
    const [owner, other] = [await open('only-one'), await openAs(browser, running.baseUrl, undefined)];
    pages.push(other);
    await other.page.fill('#login-name', 'only-one');
    await other.page.click('#login-submit');
    await other.page.waitForSelector('#login-error:has-text("Name already in use")');
    await other.page.waitForSelector('body[data-state="guest"] #status[data-state="connected"]');
    // The owner keeps the name and its session.
    expect(await owner.page.getAttribute('body', 'data-state')).toBe('named');
    expect(await owner.page.getAttribute('#status', 'data-state')).toBe('connected');
    expect([...owner.errors, ...other.errors]).toEqual([]);
  });
});
