import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { Browser } from 'playwright-core';
import { launchChromium } from '../fixtures/browser.fixture.js';
import { deployConfigFor, replaceOnce, startNginx, type RunningNginx } from '../fixtures/nginx.fixture.js';
import { openAs, screenshotPath, startSample, waitForCounter, type RunningSample } from '../fixtures/sample-app.fixture.js';
import { connectWebSocket } from '../fixtures/stomp-clients.fixture.js';
import { as } from '../fixtures/handlers.fixture.js';

/** A proxy that forgets the two headers a WebSocket upgrade needs: what many real proxies do by default. */
function withoutUpgrade(conf: string): string {
  return replaceOnce(
    replaceOnce(conf, 'proxy_set_header Upgrade $http_upgrade;', ''),
    'proxy_set_header Connection $connection_upgrade;',
    '',
  );
}

describe('sample app behind a real nginx (deploy/nginx.conf)', () => {
  let app: RunningSample;
  let browser: Browser;
  let proxy: RunningNginx | undefined;
  let noUpgradeProxy: RunningNginx | undefined;

  beforeAll(async () => {
    // Default origins (same origin only): the page's Origin is the proxy's, and nginx forwards the Host it was asked for.
    app = await startSample();
    [proxy, noUpgradeProxy, browser] = await Promise.all([
      startNginx((port) => deployConfigFor(app.port, port)),
      startNginx((port) => withoutUpgrade(deployConfigFor(app.port, port))),
      launchChromium(),
    ]);
  });
  afterAll(async () => {
    await Promise.all([proxy?.stop(), noUpgradeProxy?.stop()]);
    await browser?.close();
    await app?.close();
  });

  it('the browser goes through nginx over WebSocket: dashboard and chat work', async () => {
    const { page, errors, close } = await openAs(browser, proxy!.baseUrl, 'via-nginx');
    expect(new URL(page.url()).port).toBe(new URL(proxy!.baseUrl).port);
    expect(await page.textContent('#transport')).toBe('websocket');
    await waitForCounter(page, 'snapshots', 1);
    await waitForCounter(page, 'liveBlocks', 1);
    await page.fill('#message-input', 'through nginx');
    await page.press('#message-input', 'Enter');
    await page.waitForSelector('#messages li.msg.mine:has-text("through nginx")');
    await page.screenshot({ path: screenshotPath('proxy-websocket') });
    expect(errors).toEqual([]);
    await close();
  });

  it('raw STOMP over WebSocket (<endpoint>/websocket) also passes through nginx', async () => {
    const client = await connectWebSocket(proxy!.baseUrl, '/block', as('raw-client'));
    const supply = await client.subscribeConfirmed('/topic/supply');
    expect(JSON.parse((await supply.waitFor(1))[0].body)).toHaveProperty('circulatingSupply');
    await client.disconnect();
  });

  it('without the Upgrade headers, SockJS falls back to xhr-streaming and the page still works', async () => {
    const { page, errors, close } = await openAs(browser, noUpgradeProxy!.baseUrl, 'no-upgrade');
    expect(await page.textContent('#transport')).toBe('xhr-streaming');
    await waitForCounter(page, 'snapshots', 1);
    await waitForCounter(page, 'liveBlocks', 1);
    await waitForCounter(page, 'supplyUpdates', 1);
    await page.fill('#message-input', 'still here without WebSocket');
    await page.press('#message-input', 'Enter');
    await page.waitForSelector('#messages li.msg.mine:has-text("still here without WebSocket")');
    await page.screenshot({ path: screenshotPath('proxy-no-upgrade') });
    expect(errors).toEqual([]);
    await close();
  });
});
