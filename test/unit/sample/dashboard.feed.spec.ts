import { describe, expect, it } from '@jest/globals';
import { DashboardFeed } from '../../../sample-app/src/chain/dashboard.feed.js';
import type { SupplyStats } from '../../../sample-app/src/chain/chain.model.js';

const supply = (time: number) => ({ time }) as SupplyStats;

describe('DashboardFeed', () => {
  it('numbers updates from 1 and answers what came after a seq', () => {
    const feed = new DashboardFeed();
    expect(feed.lastSeq).toBe(0);
    expect(feed.after(0)).toEqual([]);
    for (let i = 1; i <= 3; i++) feed.publish('supply', supply(i));
    expect(feed.after(0)!.map((u) => u.seq)).toEqual([1, 2, 3]);
    expect(feed.after(2)!.map((u) => u.seq)).toEqual([3]);
    expect(feed.after(3)).toEqual([]);
    expect(feed.after(99)).toEqual([]);
  });

  it('says so (undefined) when the updates after a seq are no longer all kept', () => {
    const feed = new DashboardFeed();
    for (let i = 1; i <= 1005; i++) feed.publish('supply', supply(i));
    expect(feed.after(5)!.map((u) => u.seq)).toEqual(Array.from({ length: 1000 }, (_, i) => 6 + i));
    expect(feed.after(4)).toBeUndefined();
    expect(feed.after(1004)!.map((u) => u.seq)).toEqual([1005]);
  });

  it('completes its stream on shutdown', () => {
    const feed = new DashboardFeed();
    let completed = false;
    feed.updates$.subscribe({ complete: () => (completed = true) });
    feed.onModuleDestroy();
    expect(completed).toBe(true);
  });

  it('pushes to STOMP (produced$) what this node produced, not what it followed from the leader (record)', () => {
    const feed = new DashboardFeed();
    const all: number[] = [];
    const produced: number[] = [];
    feed.updates$.subscribe((update) => all.push(update.seq));
    feed.produced$.subscribe((update) => produced.push(update.seq));
    feed.publish('supply', supply(1));
    feed.record('supply', supply(2));
    expect(all).toEqual([1, 2]);
    expect(produced).toEqual([1]);
    expect(feed.after(0)!.map((u) => u.payload.time)).toEqual([1, 2]);
  });
});
