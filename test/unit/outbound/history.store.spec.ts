import { describe, expect, it } from '@jest/globals';
import { ENTRY_OVERHEAD_BYTES, HistoryStore, entryBytes } from '../../../lib/engine/outbound/history/history.store.js';
import { resumeRequestOf } from '../../../lib/engine/outbound/history/resume.request.js';

const body = (text: string): Buffer => Buffer.from(text);

function keptBodies(store: HistoryStore, destination: string): string[] {
  const history = store.current(destination);
  if (!history) return [];
  const out: string[] = [];
  for (let offset = history.oldestOffset; offset < history.nextOffset; offset++) out.push(history.at(offset)!.body.toString());
  return out;
}

describe('HistoryStore', () => {
  it('gives each destination its own offsets, one more per message, and the headers every MESSAGE carries', () => {
    const store = new HistoryStore(1 << 20);
    const a0 = store.append('/topic/a', { size: 10 }, { 'content-type': 'text/plain' }, body('a0'));
    const a1 = store.append('/topic/a', { size: 10 }, {}, body('a1'));
    const b0 = store.append('/topic/b', { size: 10 }, {}, body('b0'));
    expect([a0.entry.offset, a1.entry.offset, b0.entry.offset]).toEqual([0, 1, 0]);
    expect(a0.entry.headers).toEqual({
      destination: '/topic/a',
      'content-type': 'text/plain',
      'x-stream-offset': '0',
      'x-stream-epoch': a0.epoch,
    });
    expect(a1.epoch).toBe(a0.epoch);
    expect(b0.epoch).not.toBe(a0.epoch);
  });

  it('overwrites offset headers a publisher set itself', () => {
    const store = new HistoryStore(1 << 20);
    const { entry } = store.append('/topic/a', { size: 10 }, { 'x-stream-offset': '999', 'x-stream-epoch': 'forged' }, body('x'));
    expect(entry.headers['x-stream-offset']).toBe('0');
    expect(entry.headers['x-stream-epoch']).not.toBe('forged');
  });

  it('keeps the last `size` messages of a destination, offsets still counting', () => {
    const store = new HistoryStore(1 << 20);
    for (let i = 0; i < 25; i++) store.append('/topic/a', { size: 10 }, {}, body(`m${i}`));
    const history = store.current('/topic/a')!;
    expect([history.oldestOffset, history.nextOffset, history.size]).toEqual([15, 25, 10]);
    expect(keptBodies(store, '/topic/a')).toEqual([...Array(10).keys()].map((i) => `m${i + 15}`));
    expect(history.at(14)).toBeUndefined();
    expect(history.at(25)).toBeUndefined();
  });

  it('drops messages older than maxAgeMs; a destination left empty starts a new epoch at offset 0', () => {
    let now = 1_000;
    const store = new HistoryStore(1 << 20, () => now);
    const bounds = { size: 100, maxAgeMs: 500 };
    const first = store.append('/topic/a', bounds, {}, body('old'));
    now += 300;
    store.append('/topic/a', bounds, {}, body('newer'));
    now += 300;
    expect(keptBodies(store, '/topic/a')).toEqual(['newer']);
    expect(store.current('/topic/a')!.oldestOffset).toBe(1);
    now += 1_000;
    expect(store.current('/topic/a')).toBeUndefined();
    expect(store.destinations).toBe(0);
    const again = store.append('/topic/a', bounds, {}, body('again'));
    expect(again.entry.offset).toBe(0);
    expect(again.epoch).not.toBe(first.epoch);
    expect(store.bytes).toBe(again.entry.bytes);
  });

  it('holds at most bytesLimit for all destinations together, dropping the oldest message anywhere first', () => {
    const one = entryBytes({ destination: '/topic/a', 'x-stream-offset': '0', 'x-stream-epoch': 'xxxxxxxx-1' }, body('x'.repeat(100)));
    const store = new HistoryStore(one * 5 + 10);
    for (let i = 0; i < 4; i++) store.append('/topic/a', { size: 100 }, {}, body('a'.repeat(100)));
    for (let i = 0; i < 4; i++) store.append('/topic/b', { size: 100 }, {}, body('b'.repeat(100)));
    expect(store.bytes).toBeLessThanOrEqual(store.bytesLimit);
    // 8 appended, 5 fit: a's three oldest went, b is whole.
    expect(store.current('/topic/a')!.size).toBe(1);
    expect(store.current('/topic/a')!.oldestOffset).toBe(3);
    expect(store.current('/topic/b')!.size).toBe(4);
  });

  it('reports what each rule keeps, its bytes adding up to the store total through size, age and byte evictions', () => {
    let now = 0;
    const prices = { size: 3 };
    const news = { size: 100, maxAgeMs: 1_000 };
    const one = entryBytes({ destination: '/topic/p.a', 'x-stream-offset': '0', 'x-stream-epoch': 'xxxxxxxx-1' }, body('x'.repeat(50)));
    const store = new HistoryStore(one * 8 + 20, () => now);
    for (let i = 0; i < 5; i++) store.append('/topic/p.a', prices, {}, body('a'.repeat(50)));
    store.append('/topic/p.b', prices, {}, body('b'.repeat(50)));
    for (let i = 0; i < 4; i++) store.append('/topic/news', news, {}, body('n'.repeat(50)));
    const kept = (): Array<{ destinations: number; messages: number; bytes: number } | undefined> =>
      [prices, news].map((bounds) => store.keptByBounds().get(bounds));
    const total = (): number => kept().reduce((sum, k) => sum + (k?.bytes ?? 0), 0);
    // 3 of p.a (size), 1 of p.b, 4 of news: 8 fit the byte limit.
    expect(kept().map((k) => [k?.destinations, k?.messages])).toEqual([
      [2, 4],
      [1, 4],
    ]);
    expect(total()).toBe(store.bytes);
    // Over the byte limit: the oldest anywhere (p.a's) goes.
    store.append('/topic/news', news, {}, body('n'.repeat(50)));
    expect(kept().map((k) => k?.messages)).toEqual([3, 5]);
    expect(total()).toBe(store.bytes);
    // Aged out: news is forgotten once looked at.
    now += 2_000;
    expect(store.current('/topic/news')).toBeUndefined();
    expect(kept()).toEqual([{ destinations: 2, messages: 3, bytes: store.bytes }, undefined]);
  });

  it('counts each message as body and headers twice plus a fixed overhead', () => {
    expect(entryBytes({ ab: 'cd' }, body('12345'))).toBe(2 * (5 + 2 + 2 + 2) + ENTRY_OVERHEAD_BYTES);
  });

  it('keeps a message larger than the whole limit until the next one (live subscribers got it anyway)', () => {
    const store = new HistoryStore(100);
    store.append('/topic/a', { size: 10 }, {}, body('x'.repeat(1_000)));
    expect(store.current('/topic/a')!.size).toBe(1);
    store.append('/topic/a', { size: 10 }, {}, body('y'));
    expect(keptBodies(store, '/topic/a')).toEqual(['y']);
  });

  it('stays bounded while one hot destination of size 1 is evicted per destination, not by bytes', () => {
    const store = new HistoryStore(1 << 30);
    for (let i = 0; i < 100_000; i++) store.append('/topic/hot', { size: 1 }, {}, body('x'));
    const order = (store as unknown as { order: unknown[]; orderHead: number }).order;
    expect(order.length).toBeLessThan(4096);
    expect(store.current('/topic/hot')!.size).toBe(1);
  });
});

describe('resumeRequestOf (x-stream-offset on SUBSCRIBE)', () => {
  it('reads next (default), first, last and an offset with its epoch', () => {
    expect(resumeRequestOf({})).toEqual({ from: 'next' });
    expect(resumeRequestOf({ 'x-stream-offset': 'next' })).toEqual({ from: 'next' });
    expect(resumeRequestOf({ 'x-stream-offset': 'first' })).toEqual({ from: 'first' });
    expect(resumeRequestOf({ 'x-stream-offset': 'last' })).toEqual({ from: 'last' });
    expect(resumeRequestOf({ 'x-stream-offset': '42', 'x-stream-epoch': 'e-1' })).toEqual({ from: 'offset', offset: 42, epoch: 'e-1' });
    expect(resumeRequestOf({ 'x-stream-offset': '0' })).toEqual({ from: 'offset', offset: 0, epoch: undefined });
  });

  it.each(['-1', '1.5', '01', 'FIRST', '', ' 3', '1e3', '99999999999999999'])('refuses x-stream-offset:%s as MALFORMED_HEADER', (value) => {
    expect(() => resumeRequestOf({ 'x-stream-offset': value })).toThrow(expect.objectContaining({ code: 'MALFORMED_HEADER' }));
  });

  it('refuses an empty epoch', () => {
    expect(() => resumeRequestOf({ 'x-stream-offset': '3', 'x-stream-epoch': '' })).toThrow(
      expect.objectContaining({ code: 'MALFORMED_HEADER' }),
    );
  });
});
