import { describe, expect, it } from '@jest/globals';
import { DestinationMatcher, patternComplexity } from '../../../lib/engine/broker/destination.matcher.js';
import { STOMP_DEFAULTS } from '../../../lib/engine/options/stomp.defaults.js';

describe('DestinationMatcher', () => {
  const slash = new DestinationMatcher();
  const dot = new DestinationMatcher('.');

  describe('isPattern', () => {
    it.each([
      ['/topic/a', false],
      ['/topic/*', true],
      ['/topic/**', true],
      ['/topic/a?', true],
      ['/topic/{room}', true],
      ['/topic/a+b', false],
    ])('%s → %s', (destination, expected) => {
      expect(slash.isPattern(destination)).toBe(expected);
    });
  });

  describe('match (Ant semantics, "/" separator)', () => {
    it.each([
      ['/topic/a', '/topic/a', true],
      ['/topic/a', '/topic/b', false],
      ['/topic/a', '/topic//a', false],
      ['/topic/*', '/topic/a', true],
      ['/topic/*', '/topic/a/b', false],
      ['/topic/*', '/topic', false],
      ['/topic/*', '/topic/', true],
      ['/topic/a*', '/topic/a', true],
      ['/topic/a*', '/topic/abc', true],
      ['/topic/a*', '/topic/ba', false],
      ['/topic/*.json', '/topic/x.json', true],
      ['/topic/*.json', '/topic/x.xml', false],
      ['/topic/**', '/topic', true],
      ['/topic/**', '/topic/', true],
      ['/topic/**', '/topic/a', true],
      ['/topic/**', '/topic/a/b/c', true],
      ['/topic/**', '/topics/a', false],
      ['/topic/**', '/queue/a', false],
      ['/**', '/anything/at/all', true],
      ['**', 'a/b', true],
      ['/a/**/z', '/a/z', true],
      ['/a/**/z', '/a/b/c/z', true],
      ['/a/**/z', '/a/b/c/y', false],
      ['/a/**/z', '/a/b/cz', false],
      ['/a/**/**/z', '/a/b/z', true],
      ['/**/z', '/z', true],
      ['/**/z', '/a/b/z', true],
      ['/a/**/b/**/c', '/a/x/b/y/b/z/c', true],
      ['/a/**/b/**/c', '/a/x/c/y/b', false],
      ['/a/**/b/*', '/a/b/b/x', true],
      ['/a/**/b', '/a/b/b', true],
      ['/topic/a?', '/topic/ab', true],
      ['/topic/a?', '/topic/a', false],
      ['/topic/a?', '/topic/abc', false],
      ['/topic/a?', '/topic/a/', false],
      ['/topic/?', '/topic//', false],
      ['/topic/a', '/topic/a/', false],
      ['/topic/a/', '/topic/a', false],
      ['/topic/*', 'topic/a', false],
      ['topic/*', '/topic/a', false],
      ['/topic/{room}', '/topic/', false],
      ['/topic/{room}', '/topic/a/b', false],
      ['/topic/{id:\\d+}', '/topic/12', true],
      ['/topic/{id:\\d+}', '/topic/12a', false],
      ['/topic/{id:\\d+}', '/topic/', false],
      ['/topic/{x:.+}', '/topic/a/b', false],
      ['/topic/a+*', '/topic/a+b', true],
      ['/topic/a+*', '/topic/aab', false],
      ['/topic/(x)*', '/topic/(x)1', true],
      ['/topic/(x)*', '/topic/x1', false],
      ['/topic/[ab]?', '/topic/[ab]c', true],
      ['/topic/[ab]?', '/topic/ac', false],
      ['/topic/$^|*', '/topic/$^|z', true],
      ['/topic/{unclosed*', '/topic/{unclosed-x', true],
    ])('%s vs %s → %s', (pattern, destination, expected) => {
      expect(slash.match(pattern, destination) !== null).toBe(expected);
      expect(slash.compile(pattern).test(destination)).toBe(expected);
    });

    it('compares regex metacharacters of exact patterns literally', () => {
      expect(slash.match('/topic/a+b', '/topic/a+b')).toEqual({});
      expect(slash.match('/topic/a+b', '/topic/aab')).toBeNull();
      expect(slash.match('/topic/(x)', '/topic/(x)')).toEqual({});
      expect(slash.match('/topic/(x)', '/topic/x')).toBeNull();
      expect(slash.match('/topic/a.b', '/topic/axb')).toBeNull();
    });

    it('returns an empty object for a match without variables', () => {
      expect(slash.match('/topic/*', '/topic/a')).toEqual({});
    });
  });

  describe('variables', () => {
    it('captures {name} segments', () => {
      expect(slash.match('/topic/{room}', '/topic/lobby')).toEqual({ room: 'lobby' });
      expect(slash.match('/app/{room}/user/{user}', '/app/r1/user/u-2')).toEqual({ room: 'r1', user: 'u-2' });
    });

    it('captures a part of a segment', () => {
      expect(slash.match('/files/{name}.{ext}', '/files/report.pdf')).toEqual({ name: 'report', ext: 'pdf' });
      expect(slash.match('/files/v{n}', '/files/v')).toEqual({ n: '' });
    });

    it('applies a custom regex, including nested braces', () => {
      expect(slash.match('/order/{id:\\d+}', '/order/42')).toEqual({ id: '42' });
      expect(slash.match('/order/{id:\\d+}', '/order/x42')).toBeNull();
      expect(slash.match('/order/{id:\\d{2}}', '/order/42')).toEqual({ id: '42' });
      expect(slash.match('/order/{id:\\d{2}}', '/order/421')).toBeNull();
      expect(slash.match('/order/{kind:a|b}', '/order/b')).toEqual({ kind: 'b' });
      expect(slash.match('/order/{kind:a|b}', '/order/ab')).toBeNull();
      expect(slash.match('/order/{id:(\\d)(\\d)}-{s}', '/order/12-x')).toEqual({ id: '12', s: 'x' });
    });

    it('captures variables next to ** and keeps the values of the successful match', () => {
      expect(slash.match('/a/**/{last}', '/a/b/c/d')).toEqual({ last: 'd' });
      expect(slash.match('/{first}/**/end', '/x/y/end')).toEqual({ first: 'x' });
      expect(slash.match('/**/b/{v}', '/b/x/b/y')).toEqual({ v: 'y' });
    });

    it('rejects an invalid custom regex with the pattern in the message', () => {
      expect(() => slash.compile('/x/{id:[}')).toThrow('/x/{id:[}');
    });
  });

  describe('wildcards without backtracking (the ReDoS of "*a*a*a…b")', () => {
    const W = STOMP_DEFAULTS.maxPatternWildcards;
    const S = STOMP_DEFAULTS.maxPatternSegments;
    // The most stars the defaults allow, each followed by the letter the destination is made of.
    const worstSegment = `${'*a'.repeat(W - 1)}*b`;
    const worst = `/topic/${worstSegment}`;

    it('the worst pattern the defaults allow is within the defaults', () => {
      expect(patternComplexity(worst, '/')).toEqual({ segments: 2, wildcards: W });
      const deep = `/${Array.from({ length: S }, (_, i) => (i % 2 === 0 ? '**' : worstSegment)).join('/')}`;
      expect(patternComplexity(deep, '/')).toEqual({ segments: S, wildcards: W });
    });

    it('matches it correctly against 1,000-character destinations', () => {
      const pattern = slash.compile(worst);
      const a = 'a'.repeat(1000);
      expect(pattern.test(`/topic/${a}`)).toBe(false);
      expect(pattern.test(`/topic/${a}b`)).toBe(true);
      expect(pattern.test(`/topic/${'a'.repeat(W - 1)}b`)).toBe(true);
      expect(pattern.test(`/topic/${'a'.repeat(W - 2)}b`)).toBe(false);
      expect(pattern.test(`/topic/${a}b${a}`)).toBe(false);
      expect(slash.compile(`/topic/${'?a'.repeat(W - 1)}?b`).test(`/topic/${'a'.repeat(1000)}`)).toBe(false);
    });

    it('matches it against many of them, and the deepest pattern the defaults allow too', () => {
      const pattern = slash.compile(worst);
      const deep = slash.compile(`/${Array.from({ length: S }, (_, i) => (i % 2 === 0 ? '**' : worstSegment)).join('/')}`);
      const long = 'a'.repeat(1000);
      let matched = 0;
      for (let i = 0; i < 200; i++) {
        const destination = `/topic/${long.slice(i)}${i % 2 === 0 ? 'b' : 'c'}`;
        if (pattern.test(destination)) matched++;
        expect(deep.test(`/${Array.from({ length: 40 }, () => long.slice(0, 25 + i)).join('/')}`)).toBe(false);
      }
      expect(matched).toBe(100);
      const parts = Array.from({ length: S / 2 }, () => `${long}b`).join('/');
      expect(deep.test(`/${parts}`)).toBe(true);
    });

    it('finds long literals between stars in periodic text (no quadratic re-scans, same answers)', () => {
      const q = slash.compile(`/t/*${'a'.repeat(2000)}?b*c`);
      expect(q.test(`/t/${'a'.repeat(4000)}c`)).toBe(false);
      expect(q.test(`/t/${'a'.repeat(3000)}xb${'a'.repeat(999)}c`)).toBe(true);
      expect(q.test(`/t/${'a'.repeat(1999)}xb${'a'.repeat(999)}c`)).toBe(false);
      const ab = slash.compile(`/t/*${'ab'.repeat(1000)}?a?c*c`);
      expect(ab.test(`/t/${'ab'.repeat(3000)}c`)).toBe(false);
      expect(ab.test(`/t/${'ab'.repeat(3000)}zazcc`)).toBe(true);
      expect(slash.match(`/t/{x}${'ab'.repeat(500)}{y}`, `/t/${'ab'.repeat(1500)}`)).toEqual({ x: 'ab'.repeat(1000), y: '' });
    });

    /** The old compilation to a RegExp, as the reference semantics on inputs small enough for it. */
    function reference(segment: string): RegExp {
      let source = '';
      for (let i = 0; i < segment.length; i++) {
        const c = segment[i];
        if (c === '?') source += '.';
        else if (c === '*') source += '.*';
        else if (c === '{') {
          const end = segment.indexOf('}', i);
          source += `(?<${segment.slice(i + 1, end)}>.*)`;
          i = end;
        } else source += c.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
      }
      return new RegExp(`^${source}$`, 's');
    }

    it('agrees with a greedy RegExp on a random corpus, captured values included', () => {
      let seed = 7;
      const random = (n: number): number => ((seed = (seed * 1103515245 + 12345) % 2 ** 31), seed % n);
      const tokens = ['a', 'b', '-', '*', '?', '{x}', '{y}', 'ab', 'aba', '\u{1F600}'];
      for (let round = 0; round < 5000; round++) {
        const used = new Set<string>();
        let segment = '';
        for (let k = 1 + random(6); k > 0; k--) {
          const token = tokens[random(tokens.length)];
          if (token.startsWith('{') && used.has(token)) continue;
          used.add(token);
          segment += token;
        }
        if (!/[*?{]/.test(segment)) segment += '*';
        // Never empty: a missing segment is the segment loop's business (`/t/{x}` vs `/t/` is no match).
        let part = 'ab'[random(2)];
        for (let k = random(12); k > 0; k--) part += ['a', 'b', '-', 'ab', '\u{1F600}', '\uD83D'][random(6)];
        const expected = reference(segment).exec(part);
        const actual = slash.match(`/t/${segment}`, `/t/${part}`);
        expect([segment, part, actual]).toEqual([segment, part, expected ? { ...expected.groups } : null]);
      }
    });
  });

  describe('"." separator', () => {
    it.each([
      ['price.stock.*', 'price.stock.ibm', true],
      ['price.stock.*', 'price.stock.ibm.nyse', false],
      ['price.stock.*', 'price.bond.x', false],
      ['price.**', 'price.stock.ibm', true],
      ['price.**', 'price', true],
      ['price.*.ibm', 'price.stock.ibm', true],
      ['a/b.*', 'a/b.c', true],
      ['a/*', 'a/b', true],
      ['a/*', 'a/b.c', false],
      ['price.stock', 'price/stock', false],
    ])('%s vs %s → %s', (pattern, destination, expected) => {
      expect(dot.match(pattern, destination) !== null).toBe(expected);
    });

    it('captures variables', () => {
      expect(dot.match('price.{kind}.{ticker}', 'price.stock.ibm')).toEqual({ kind: 'stock', ticker: 'ibm' });
    });
  });

  describe('compile', () => {
    it('returns the same compiled object for the same pattern', () => {
      const matcher = new DestinationMatcher();
      expect(matcher.compile('/topic/*')).toBe(matcher.compile('/topic/*'));
    });

    it('evicts the oldest pattern once the cache is full', () => {
      const matcher = new DestinationMatcher('/', 2);
      const first = matcher.compile('/a/*');
      const second = matcher.compile('/b/*');
      matcher.compile('/c/*');
      expect(matcher.compile('/b/*')).toBe(second);
      expect(matcher.compile('/a/*')).not.toBe(first);
      expect(matcher.compile('/a/*').test('/a/x')).toBe(true);
    });

    it('compiles exact destinations to an equality check', () => {
      const exact = slash.compile('/topic/a');
      expect(exact.isPattern).toBe(false);
      expect(exact.match('/topic/a')).toEqual({});
      expect(exact.test('/topic/a/')).toBe(false);
    });

    it('rejects an empty separator', () => {
      expect(() => new DestinationMatcher('')).toThrow();
    });
  });

  describe('combine', () => {
    it.each([
      ['/chat', '/send', '/chat/send'],
      ['/chat/', 'send', '/chat/send'],
      ['/chat/', '/send', '/chat/send'],
      ['/chat', 'send', '/chat/send'],
      ['', '/x', '/x'],
      ['/x', '', '/x'],
      ['', '', ''],
      ['/', '/x', '/x'],
      ['/room/{id}', '/*', '/room/{id}/*'],
    ])('combine(%j, %j) → %j', (prefix, pattern, expected) => {
      expect(slash.combine(prefix, pattern)).toBe(expected);
    });

    it('uses the configured separator', () => {
      expect(dot.combine('chat', 'send')).toBe('chat.send');
      expect(dot.combine('chat.', '.send')).toBe('chat.send');
      expect(dot.combine('chat', '.send')).toBe('chat.send');
    });
  });

  describe('expand', () => {
    it('fills placeholders', () => {
      expect(slash.expand('/topic/{room}', { room: 'lobby' })).toBe('/topic/lobby');
      expect(slash.expand('/topic/{a}.{b}/{a}', { a: 'x', b: 'y' })).toBe('/topic/x.y/x');
      expect(slash.expand('/topic/{id:\\d{2}}', { id: '42' })).toBe('/topic/42');
      expect(slash.expand('/topic/plain', {})).toBe('/topic/plain');
    });

    it('throws naming an unknown variable', () => {
      expect(() => slash.expand('/topic/{room}/{user}', { room: 'a' })).toThrow('"user"');
      expect(() => slash.expand('/topic/{constructor}', {})).toThrow('"constructor"');
    });

    it('round-trips with match', () => {
      const vars = slash.match('/topic/{room}/{n:\\d+}', '/topic/r/7');
      expect(vars).not.toBeNull();
      expect(slash.expand('/reply/{room}/{n}', vars ?? {})).toBe('/reply/r/7');
    });
  });
});
