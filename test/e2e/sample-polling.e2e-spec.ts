import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { get, type Server } from 'node:http';
import { ChainSimulator } from '../../sample-app/src/chain/chain.simulator.js';
import { DashboardFeed } from '../../sample-app/src/chain/dashboard.feed.js';
import type { UpdatesResponse } from '../../sample-app/src/polling/polling.controller.js';
import { FROZEN_CHAIN, startSample, type RunningSample } from '../fixtures/sample-app.fixture.js';

const getJson = async <T>(url: string): Promise<T> => {
  const response = await fetch(url);
  expect(response.status).toBe(200);
  return (await response.json()) as T;
};

/** The next update of the feed, for waiting on the chain without sleeping. */
const nextUpdate = (running: RunningSample) =>
  new Promise<number>((resolve) => {
    const subscription = running.app.get(DashboardFeed).updates$.subscribe((update) => {
      subscription.unsubscribe();
      resolve(update.seq);
    });
  });

describe('sample app: the dashboard over HTTP polling and long polling', () => {
  let live: RunningSample;
  let frozen: RunningSample;

  beforeAll(async () => {
    live = await startSample();
    frozen = await startSample({ ...FROZEN_CHAIN, POLLING_LONG_POLL_TIMEOUT_MS: '300' });
  });
  afterAll(async () => {
    await Promise.all([live?.close(), frozen?.close()]);
  });

  it('polling: the snapshot, then every numbered update after its seq, in order and without gaps', async () => {
    const snapshot = await getJson<{
      seq: number;
      blocks: unknown[];
      transactions: unknown[];
      supply: { blockHeight: number };
      tpsHistory: unknown[];
    }>(`${live.baseUrl}/api/dashboard`);
    expect(snapshot.blocks.length).toBeGreaterThanOrEqual(10);
    expect(snapshot.tpsHistory.length).toBeGreaterThan(0);
    await nextUpdate(live);
    const page = await getJson<UpdatesResponse>(`${live.baseUrl}/api/dashboard/updates?since=${snapshot.seq}`);
    expect(page.updates.length).toBeGreaterThan(0);
    expect(page.updates.map((u) => u.seq)).toEqual(page.updates.map((_, i) => snapshot.seq + 1 + i));
    expect(page.seq).toBe(page.updates[page.updates.length - 1].seq);
    for (const update of page.updates) expect(['blockInfo', 'tranInfo', 'supply']).toContain(update.topic);
    // Nothing new yet: an empty answer, at once.
    expect(
      (await getJson<UpdatesResponse>(`${frozen.baseUrl}/api/dashboard/updates?since=${frozen.app.get(DashboardFeed).lastSeq}`)).updates,
    ).toEqual([]);
  });

  it('long polling: the request is held until the next update, then answered with it', async () => {
    const since = live.app.get(DashboardFeed).lastSeq;
    const published = nextUpdate(live);
    const response = await fetch(`${live.baseUrl}/api/dashboard/long-poll?since=${since}`);
    expect(response.status).toBe(200);
    const body = (await response.json()) as UpdatesResponse;
    expect(body.updates[0].seq).toBe(since + 1);
    expect(await published).toBe(since + 1);
  });

  it('long polling: an answer given mid-tick says where to continue, so the rest of the tick comes next and nothing is skipped', async () => {
    const feed = frozen.app.get(DashboardFeed);
    const since = feed.lastSeq;
    // The request is held once its waiter subscribes to the feed: one more observer than before.
    const feedSubject = (feed as unknown as { subject: { observers: unknown[] } }).subject;
    const observersBefore = feedSubject.observers.length;
    const response = fetch(`${frozen.baseUrl}/api/dashboard/long-poll?since=${since}`);
    for (let i = 0; i < 500 && feedSubject.observers.length === observersBefore; i++)
      await new Promise((resolve) => setTimeout(resolve, 2));
    expect(feedSubject.observers.length).toBe(observersBefore + 1);
    // Then a whole tick is published at once.
    const supply = frozen.app.get(ChainSimulator).snapshot().supply;
    for (let i = 0; i < 3; i++) feed.publish('supply', supply);
    const first = (await (await response).json()) as UpdatesResponse;
    expect(first.updates[0].seq).toBe(since + 1);
    expect(first.seq).toBe(first.updates[first.updates.length - 1].seq);
    const rest =
      first.seq === since + 3
        ? []
        : ((await (await fetch(`${frozen.baseUrl}/api/dashboard/long-poll?since=${first.seq}`)).json()) as UpdatesResponse).updates;
    expect([...first.updates, ...rest].map((u) => u.seq)).toEqual([since + 1, since + 2, since + 3]);
  });

  it('long polling: 204 when nothing happens within the timeout; the client just asks again', async () => {
    const response = await fetch(`${frozen.baseUrl}/api/dashboard/long-poll?since=${frozen.app.get(DashboardFeed).lastSeq}`);
    expect(response.status).toBe(204);
  });

  it('refuses a missing or malformed since', async () => {
    for (const query of ['', '?since=abc', '?since=-1']) {
      const response = await fetch(`${live.baseUrl}/api/dashboard/updates${query}`);
      expect(response.status).toBe(400);
      expect(((await response.json()) as { message: string }).message).toMatch(/since must be/);
    }
    expect((await fetch(`${live.baseUrl}/api/dashboard/long-poll`)).status).toBe(400);
  });

  it('a held long-poll does not hold up shutdown: it is answered 204 as the app closes', async () => {
    const app = await startSample({ ...FROZEN_CHAIN, POLLING_LONG_POLL_TIMEOUT_MS: '60000' });
    const server = app.app.getHttpServer() as Server;
    const arrived = new Promise((resolve) => server.once('request', resolve));
    // One connection, closed after the answer (no keep-alive socket to outlive the app).
    const held = new Promise<number | undefined>((resolve, reject) => {
      get(`${app.baseUrl}/api/dashboard/long-poll?since=${app.app.get(DashboardFeed).lastSeq}`, { agent: false }, (response) => {
        response.resume();
        resolve(response.statusCode);
      }).on('error', reject);
    });
    await arrived;
    const closing = Date.now();
    await app.close();
    expect(await held).toBe(204);
    // Far below the 60 s the request would otherwise have been held.
    expect(Date.now() - closing).toBeLessThan(5000);
  });
});
