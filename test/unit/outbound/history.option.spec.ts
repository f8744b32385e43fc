import { describe, expect, it } from '@jest/globals';
import { StompOptionsError, type StompModuleOptions } from '../../../lib/index.js';
import { resolveStompOptions } from '../../../lib/engine/options/stomp.options.js';

const resolve = (options: unknown) => resolveStompOptions(options as StompModuleOptions);

describe("options 'history' and 'historyBytesLimit'", () => {
  it('default to no history and 64 MiB', () => {
    expect(resolve({}).history).toEqual([]);
    expect(resolve({}).historyBytesLimit).toBe(64 * 1024 * 1024);
  });

  it('take rules with a destination pattern, a size and an optional maxAgeMs', () => {
    const history = [
      { destination: '/topic/prices.*', size: 1000, maxAgeMs: 60_000 },
      { destination: '/topic/chat/**', size: 50 },
    ];
    expect(resolve({ history, historyBytesLimit: 1024 }).history).toEqual(history);
  });

  it.each([
    ['not a list', { destination: '/topic/a', size: 1 }],
    ['no size', [{ destination: '/topic/a' }]],
    ['size 0', [{ destination: '/topic/a', size: 0 }]],
    ['fractional size', [{ destination: '/topic/a', size: 1.5 }]],
    ['negative maxAgeMs', [{ destination: '/topic/a', size: 1, maxAgeMs: -1 }]],
    ['a destination without /', [{ destination: 'topic/a', size: 1 }]],
    ['an unknown field (a typo)', [{ destination: '/topic/a', size: 1, maxAge: 5 }]],
  ])('refuse %s, with an example', (_what, history) => {
    expect(() => resolve({ history })).toThrow(StompOptionsError);
    expect(() => resolve({ history })).toThrow("destination: '/topic/prices.*', size: 1000");
  });

  it('are taken with the relay, where they are RabbitMQ streams', () => {
    const options = { history: [{ destination: '/topic/a', size: 1 }], relay: { host: '127.0.0.1', port: 61613 } };
    expect(resolve(options).history).toEqual([{ destination: '/topic/a', size: 1 }]);
  });

  it('refuse a historyBytesLimit that is not a positive whole number', () => {
    expect(() => resolve({ historyBytesLimit: 0 })).toThrow(StompOptionsError);
  });
});
