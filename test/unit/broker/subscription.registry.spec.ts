import { describe, expect, it } from '@jest/globals';
import { DestinationMatcher } from '../../../lib/engine/broker/destination.matcher.js';
import { type Subscription, SubscriptionRegistry } from '../../../lib/engine/broker/subscription.registry.js';
import { StompProtocolError } from '../../../lib/engine/errors/protocol.error.js';

const registry = (cacheLimit?: number) => new SubscriptionRegistry<string>(new DestinationMatcher(), cacheLimit);
const keys = (subs: readonly Subscription<string>[]) => subs.map((s) => `${s.sessionId}:${s.id}`);

describe('SubscriptionRegistry', () => {
  describe('add / get / remove', () => {
    it('stores the subscription with its data', () => {
      const reg = registry();
      const sub = reg.add('s1', 'sub-0', '/topic/a', 'payload');
      expect(sub).toEqual({ sessionId: 's1', id: 'sub-0', destination: '/topic/a', data: 'payload' });
      expect(reg.get('s1', 'sub-0')).toBe(sub);
      expect(reg.get('s1', 'sub-1')).toBeUndefined();
      expect(reg.get('s2', 'sub-0')).toBeUndefined();
      expect(reg.size).toBe(1);
      expect(reg.sessionsCount).toBe(1);
    });

    it('rejects a duplicate id in the same session, without changing anything', () => {
      const reg = registry();
      reg.add('s1', 'sub-0', '/topic/a', 'first');
      let error: unknown;
      try {
        reg.add('s1', 'sub-0', '/topic/b', 'second');
      } catch (e) {
        error = e;
      }
      expect(error).toBeInstanceOf(StompProtocolError);
      expect((error as StompProtocolError).code).toBe('DUPLICATE_SUBSCRIPTION');
      expect((error as Error).message).toContain('Duplicate subscription id');
      expect(reg.size).toBe(1);
      expect(reg.get('s1', 'sub-0')?.data).toBe('first');
      expect(reg.match('/topic/b')).toHaveLength(0);
    });

    it('allows the same id in different sessions', () => {
      const reg = registry();
      reg.add('s1', 'sub-0', '/topic/a', 'x');
      reg.add('s2', 'sub-0', '/topic/a', 'y');
      expect(keys(reg.match('/topic/a'))).toEqual(['s1:sub-0', 's2:sub-0']);
    });

    it('allows an id again once it was removed', () => {
      const reg = registry();
      reg.add('s1', 'sub-0', '/topic/a', 'x');
      reg.remove('s1', 'sub-0');
      expect(() => reg.add('s1', 'sub-0', '/topic/b', 'y')).not.toThrow();
      expect(keys(reg.match('/topic/b'))).toEqual(['s1:sub-0']);
    });

    it('removes one subscription and returns it', () => {
      const reg = registry();
      const sub = reg.add('s1', 'sub-0', '/topic/a', 'x');
      reg.add('s1', 'sub-1', '/topic/a', 'y');
      expect(reg.remove('s1', 'sub-0')).toBe(sub);
      expect(reg.remove('s1', 'sub-0')).toBeUndefined();
      expect(reg.remove('nobody', 'sub-0')).toBeUndefined();
      expect(keys(reg.match('/topic/a'))).toEqual(['s1:sub-1']);
      expect(reg.size).toBe(1);
      expect(reg.countFor('s1')).toBe(1);
    });

    it('forgets a session once its last subscription is removed', () => {
      const reg = registry();
      reg.add('s1', 'sub-0', '/topic/a', 'x');
      reg.remove('s1', 'sub-0');
      expect(reg.sessionsCount).toBe(0);
      expect(reg.size).toBe(0);
      expect(reg.match('/topic/a')).toHaveLength(0);
    });

    it('counts per session and lists a session in subscription order', () => {
      const reg = registry();
      reg.add('s1', 'b', '/topic/a', 'x');
      reg.add('s1', 'a', '/topic/**', 'y');
      reg.add('s2', 'a', '/topic/a', 'z');
      expect(reg.countFor('s1')).toBe(2);
      expect(reg.countFor('s2')).toBe(1);
      expect(reg.countFor('s3')).toBe(0);
      expect(reg.forSession('s1').map((s) => s.id)).toEqual(['b', 'a']);
      expect(reg.forSession('s3')).toEqual([]);
      expect(keys([...reg.all()])).toEqual(['s1:b', 's1:a', 's2:a']);
    });

    it("keeps a session's subscriptions, in order, as they shrink to one and grow again", () => {
      const reg = registry();
      for (const id of ['a', 'b', 'c']) reg.add('s1', id, `/topic/${id}`, id);
      reg.remove('s1', 'b');
      expect(reg.forSession('s1').map((s) => s.id)).toEqual(['a', 'c']);
      reg.remove('s1', 'a');
      expect(reg.forSession('s1').map((s) => s.id)).toEqual(['c']);
      expect(reg.get('s1', 'c')?.destination).toBe('/topic/c');
      expect(reg.get('s1', 'a')).toBeUndefined();
      expect(reg.countFor('s1')).toBe(1);
      expect(() => reg.add('s1', 'c', '/topic/x', 'again')).toThrow(StompProtocolError);
      reg.add('s1', 'd', '/topic/d', 'd');
      expect(keys([...reg.all()])).toEqual(['s1:c', 's1:d']);
      expect(reg.countFor('s1')).toBe(2);
      expect(keys(reg.removeSession('s1'))).toEqual(['s1:c', 's1:d']);
      expect(reg.sessionsCount).toBe(0);
      expect(reg.size).toBe(0);
    });
  });

  describe('removeSession', () => {
    it('removes and returns every subscription of the session, exact and pattern', () => {
      const reg = registry();
      reg.add('s1', 'a', '/topic/a', 'x');
      reg.add('s1', 'b', '/topic/*', 'x');
      reg.add('s2', 'a', '/topic/a', 'y');
      expect(keys(reg.match('/topic/a'))).toEqual(['s1:a', 's1:b', 's2:a']);
      expect(keys(reg.removeSession('s1'))).toEqual(['s1:a', 's1:b']);
      expect(keys(reg.match('/topic/a'))).toEqual(['s2:a']);
      expect(reg.match('/topic/b')).toHaveLength(0);
      expect(reg.countFor('s1')).toBe(0);
      expect(reg.sessionsCount).toBe(1);
      expect(reg.size).toBe(1);
      expect(reg.removeSession('s1')).toEqual([]);
    });
  });

  describe('match', () => {
    it('returns exact and pattern subscriptions in subscription order', () => {
      const reg = registry();
      reg.add('s1', '1', '/topic/a', 'x');
      reg.add('s2', '2', '/topic/*', 'x');
      reg.add('s3', '3', '/topic/a', 'x');
      reg.add('s4', '4', '/topic/b', 'x');
      reg.add('s5', '5', '/**', 'x');
      reg.add('s6', '6', '/topic/a', 'x');
      expect(keys(reg.match('/topic/a'))).toEqual(['s1:1', 's2:2', 's3:3', 's5:5', 's6:6']);
      expect(keys(reg.match('/topic/b'))).toEqual(['s2:2', 's4:4', 's5:5']);
      expect(keys(reg.match('/queue/c'))).toEqual(['s5:5']);
      expect(reg.match('queue')).toHaveLength(0);
    });

    it('delivers once each to a pattern and an exact subscription on the same destination', () => {
      const reg = registry();
      reg.add('s1', 'exact', '/topic/price', 'x');
      reg.add('s1', 'pattern', '/topic/*', 'x');
      const subs = reg.match('/topic/price');
      expect(keys(subs)).toEqual(['s1:exact', 's1:pattern']);
      expect(keys(reg.match('/topic/price'))).toEqual(['s1:exact', 's1:pattern']);
    });

    it('returns the stored array, without allocating, while nothing changes', () => {
      const reg = registry();
      reg.add('s1', 'a', '/topic/a', 'x');
      expect(reg.match('/topic/a')).toBe(reg.match('/topic/a'));
      expect(reg.match('/none')).toBe(reg.match('/other'));
      reg.add('s2', 'b', '/topic/*', 'x');
      expect(reg.match('/topic/a')).toBe(reg.match('/topic/a'));
    });

    it('never changes an array it has returned', () => {
      const reg = registry();
      reg.add('s1', 'a', '/topic/a', 'x');
      reg.add('s2', 'a', '/topic/a', 'x');
      const before = reg.match('/topic/a');
      reg.add('s3', 'a', '/topic/a', 'x');
      reg.removeSession('s1');
      expect(keys(before)).toEqual(['s1:a', 's2:a']);
      expect(keys(reg.match('/topic/a'))).toEqual(['s2:a', 's3:a']);
    });

    it('lets a fan-out continue when a subscriber is removed during it', () => {
      const reg = registry();
      for (let i = 0; i < 3; i++) reg.add(`s${i}`, 'a', '/topic/a', 'x');
      const delivered: string[] = [];
      for (const sub of reg.match('/topic/a')) {
        delivered.push(sub.sessionId);
        if (sub.sessionId === 's0') reg.removeSession('s0');
      }
      expect(delivered).toEqual(['s0', 's1', 's2']);
    });

    it('returns all of 1000 sessions subscribed to one destination', () => {
      const reg = registry();
      for (let i = 0; i < 1000; i++) reg.add(`s${i}`, 'sub-0', '/topic/load', 'x');
      reg.add('other', 'sub-0', '/topic/other', 'x');
      const subs = reg.match('/topic/load');
      expect(subs).toHaveLength(1000);
      expect(new Set(subs.map((s) => s.sessionId)).size).toBe(1000);
      expect(subs[0].sessionId).toBe('s0');
      expect(subs[999].sessionId).toBe('s999');
      expect(reg.sessionsCount).toBe(1001);
      for (let i = 0; i < 1000; i += 2) reg.removeSession(`s${i}`);
      expect(reg.match('/topic/load')).toHaveLength(500);
    });
  });

  describe('cache invalidation (cache warmed with match first)', () => {
    const warm = () => {
      const reg = registry();
      reg.add('s1', 'p', '/topic/*', 'x');
      reg.add('s2', 'e', '/topic/a', 'x');
      expect(keys(reg.match('/topic/a'))).toEqual(['s1:p', 's2:e']);
      expect(keys(reg.match('/topic/b'))).toEqual(['s1:p']);
      expect(keys(reg.match('/queue/a'))).toEqual([]);
      return reg;
    };

    it('sees a new pattern subscription', () => {
      const reg = warm();
      reg.add('s3', 'p', '/**', 'x');
      expect(keys(reg.match('/topic/a'))).toEqual(['s1:p', 's2:e', 's3:p']);
      expect(keys(reg.match('/topic/b'))).toEqual(['s1:p', 's3:p']);
      expect(keys(reg.match('/queue/a'))).toEqual(['s3:p']);
    });

    it('sees a new pattern subscription that matches only some cached destinations', () => {
      const reg = warm();
      const untouched = reg.match('/topic/b');
      reg.add('s3', 'p', '/queue/*', 'x');
      expect(reg.match('/topic/b')).toBe(untouched);
      expect(keys(reg.match('/queue/a'))).toEqual(['s3:p']);
    });

    it('drops a removed pattern subscription', () => {
      const reg = warm();
      reg.remove('s1', 'p');
      expect(keys(reg.match('/topic/a'))).toEqual(['s2:e']);
      expect(keys(reg.match('/topic/b'))).toEqual([]);
    });

    it('drops a removed pattern subscription while other patterns remain', () => {
      const reg = warm();
      reg.add('s3', 'p', '/topic/**', 'x');
      expect(keys(reg.match('/topic/b'))).toEqual(['s1:p', 's3:p']);
      reg.remove('s1', 'p');
      expect(keys(reg.match('/topic/a'))).toEqual(['s2:e', 's3:p']);
      expect(keys(reg.match('/topic/b'))).toEqual(['s3:p']);
    });

    it('sees a new exact subscription and invalidates only that destination', () => {
      const reg = warm();
      const other = reg.match('/topic/b');
      reg.add('s3', 'e', '/topic/a', 'x');
      expect(keys(reg.match('/topic/a'))).toEqual(['s1:p', 's2:e', 's3:e']);
      expect(reg.match('/topic/b')).toBe(other);
      reg.add('s4', 'e', '/queue/a', 'x');
      expect(keys(reg.match('/queue/a'))).toEqual(['s4:e']);
    });

    it('drops a removed exact subscription', () => {
      const reg = warm();
      reg.remove('s2', 'e');
      expect(keys(reg.match('/topic/a'))).toEqual(['s1:p']);
    });

    it('drops everything of a removed session', () => {
      const reg = warm();
      reg.add('s1', 'e', '/topic/b', 'x');
      expect(keys(reg.match('/topic/b'))).toEqual(['s1:p', 's1:e']);
      reg.removeSession('s1');
      expect(keys(reg.match('/topic/a'))).toEqual(['s2:e']);
      expect(keys(reg.match('/topic/b'))).toEqual([]);
    });

    it('stays correct when the cache is smaller than the destinations in use', () => {
      const reg = registry(2);
      reg.add('s1', 'p', '/topic/*', 'x');
      for (const d of ['a', 'b', 'c', 'd']) reg.add(`e-${d}`, 'e', `/topic/${d}`, 'x');
      for (let round = 0; round < 2; round++) {
        for (const d of ['a', 'b', 'c', 'd']) expect(keys(reg.match(`/topic/${d}`))).toEqual(['s1:p', `e-${d}:e`]);
      }
      reg.remove('e-a', 'e');
      reg.remove('s1', 'p');
      expect(keys(reg.match('/topic/a'))).toEqual([]);
      expect(keys(reg.match('/topic/d'))).toEqual(['e-d:e']);
    });

    it('works with caching disabled', () => {
      const reg = registry(0);
      reg.add('s1', 'p', '/topic/*', 'x');
      expect(keys(reg.match('/topic/a'))).toEqual(['s1:p']);
      reg.remove('s1', 'p');
      expect(reg.match('/topic/a')).toHaveLength(0);
    });
  });

  describe('delivery filter (per-destination authorization of pattern subscriptions)', () => {
    it('leaves out the destinations a filter refuses, asking it once per destination', () => {
      const reg = registry();
      const asked: string[] = [];
      const filter = (destination: string): boolean => {
        asked.push(destination);
        return !destination.startsWith('/topic/admin/');
      };
      reg.add('s1', 'all', '/topic/**', 'x', filter);
      reg.add('s2', 'all', '/topic/**', 'y');
      expect(keys(reg.match('/topic/admin/secrets'))).toEqual(['s2:all']);
      expect(keys(reg.match('/topic/news'))).toEqual(['s1:all', 's2:all']);
      expect(keys(reg.match('/topic/admin/secrets'))).toEqual(['s2:all']);
      expect(keys(reg.match('/topic/news'))).toEqual(['s1:all', 's2:all']);
      expect(asked).toEqual(['/topic/admin/secrets', '/topic/news']);
    });

    it('never asks about destinations the pattern does not match, nor for exact subscriptions', () => {
      const reg = registry();
      const asked: string[] = [];
      reg.add('s1', 'p', '/topic/*/x', 'x', (d) => (asked.push(d), false));
      reg.add('s1', 'e', '/topic/a/x', 'x', () => false);
      expect(keys(reg.match('/topic/a/x'))).toEqual(['s1:e']);
      expect(keys(reg.match('/queue/a/x'))).toEqual([]);
      expect(asked).toEqual(['/topic/a/x']);
    });
  });

  describe('pattern index (by literal prefix) and incremental invalidation', () => {
    it('gives the same answers as testing every subscription, through random subscribes, unsubscribes and session closes', () => {
      let seed = 11;
      const random = (n: number): number => ((seed = (seed * 1103515245 + 12345) % 2 ** 31), seed % n);
      const pick = <V>(list: readonly V[]): V => list[random(list.length)];
      const words = ['a', 'b', 'ab', 'news'];
      const segment = (): string => pick([...words, ...words, '*', '**', 'a*', '?b', '{x}', '*b*']);
      const pattern = (): string =>
        `${pick(['/topic', '/queue', ''])}/${Array.from({ length: 1 + random(4) }, segment).join('/')}${pick(['', '', '/'])}`;
      const destination = (): string =>
        `${pick(['/topic', '/queue', ''])}/${Array.from({ length: 1 + random(4) }, () => pick(words)).join('/')}${pick(['', '', '/'])}`;
      const matcher = new DestinationMatcher();
      const reg = new SubscriptionRegistry<string>(matcher, 16);
      const live = new Map<string, { sessionId: string; id: string; destination: string; seq: number }>();
      const destinations = Array.from({ length: 60 }, destination);
      let seq = 0;
      for (let step = 0; step < 4000; step++) {
        const action = random(10);
        if (action < 4) {
          const sessionId = `s${random(12)}`;
          const id = `sub-${seq}`;
          const d = random(3) === 0 ? pick(destinations) : pattern();
          reg.add(sessionId, id, d, 'x');
          live.set(`${sessionId}:${id}`, { sessionId, id, destination: d, seq: seq++ });
        } else if (action < 6 && live.size > 0) {
          const [key, sub] = pick([...live.entries()]);
          reg.remove(sub.sessionId, sub.id);
          live.delete(key);
        } else if (action === 6) {
          const sessionId = `s${random(12)}`;
          reg.removeSession(sessionId);
          for (const [key, sub] of live) if (sub.sessionId === sessionId) live.delete(key);
        } else {
          const d = pick(destinations);
          const expected = [...live.values()]
            .filter((sub) => matcher.match(sub.destination, d) !== null)
            .sort((x, y) => x.seq - y.seq)
            .map((sub) => `${sub.sessionId}:${sub.id}`);
          expect([d, keys(reg.match(d))]).toEqual([d, expected]);
        }
      }
      expect(reg.size).toBe(live.size);
    });

    it('refuses a pattern subscription over maxPatternSubscriptions, counting all sessions, and takes one again after a removal', () => {
      const reg = new SubscriptionRegistry<string>(new DestinationMatcher(), 16, 3);
      reg.add('s1', 'a', '/topic/*', 'x');
      reg.add('s1', 'b', '/topic/**', 'x');
      reg.add('s2', 'a', '/queue/*', 'x');
      expect(() => reg.add('s3', 'a', '/topic/a*', 'x')).toThrow(expect.objectContaining({ code: 'TOO_MANY_PATTERN_SUBSCRIPTIONS' }));
      expect(reg.get('s3', 'a')).toBeUndefined();
      // Exact subscriptions are not patterns: still accepted.
      reg.add('s3', 'e', '/topic/a', 'x');
      expect(keys(reg.match('/topic/a'))).toEqual(['s1:a', 's1:b', 's3:e']);
      reg.removeSession('s1');
      reg.add('s3', 'a', '/topic/a*', 'x');
      expect(keys(reg.match('/topic/a'))).toEqual(['s3:e', 's3:a']);
    });
  });

  describe('"." separator', () => {
    it('matches RabbitMQ-style destinations', () => {
      const reg = new SubscriptionRegistry<string>(new DestinationMatcher('.'));
      reg.add('s1', 'a', 'price.stock.*', 'x');
      reg.add('s2', 'a', 'price.stock.ibm', 'x');
      expect(keys(reg.match('price.stock.ibm'))).toEqual(['s1:a', 's2:a']);
      expect(keys(reg.match('price.stock.ibm.nyse'))).toEqual([]);
    });
  });
});
