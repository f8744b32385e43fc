import { defaultIfEmpty, filter, firstValueFrom, fromEvent, map, race, take, timer } from 'rxjs';
import type { DashboardFeed, DashboardUpdate } from '../chain/dashboard.feed.js';

/**
 * Resolves with the updates after `since` as soon as there is at least one; with `[]` when
 * `timeoutMs` passes, the client goes away (`signal`) or the feed ends; with `undefined` when
 * the updates after `since` are no longer kept.
 */
export function waitForUpdates(
  feed: DashboardFeed,
  since: number,
  timeoutMs: number,
  signal: AbortSignal,
): Promise<DashboardUpdate[] | undefined> {
  const now = feed.after(since);
  if (now === undefined || now.length > 0 || signal.aborted) return Promise.resolve(now);
  const news = feed.updates$.pipe(
    filter((update) => update.seq > since),
    take(1),
    map(() => feed.after(since)),
  );
  const nothing: DashboardUpdate[] = [];
  const giveUp = race(timer(timeoutMs), fromEvent(signal, 'abort')).pipe(map(() => nothing));
  // The feed completing (app shutdown) ends the race without a value: answer "nothing new".
  return firstValueFrom(race(news, giveUp).pipe(defaultIfEmpty(nothing)));
}
