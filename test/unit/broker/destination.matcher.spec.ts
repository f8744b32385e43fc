import { describe, expect, it } from '@jest/globals';
import { DestinationMatcher } from '../../../lib/broker/destination.matcher.js';

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
