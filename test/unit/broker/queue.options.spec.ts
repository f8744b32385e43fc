import { describe, expect, it } from '@jest/globals';
import { resolveStompOptions } from '../../../lib/engine/options/stomp.options.js';
import { StompOptionsError } from '../../../lib/engine/errors/options.error.js';

describe('queues options', () => {
  it('default to no queues (every broker destination broadcasts) and bounded limits', () => {
    const options = resolveStompOptions({});
    expect(options.queues).toEqual([]);
    expect(options).toMatchObject({ queueMessagesLimit: 10_000, queueBytesLimit: 8 * 1024 * 1024, queueTotalBytesLimit: 64 * 1024 * 1024 });
  });

  it('always fit one largest frame in a queue, and one fullest queue in the total', () => {
    const options = resolveStompOptions({ messageSizeLimit: 16 * 1024 * 1024, queues: ['/queue/**'] });
    expect(options.queueBytesLimit).toBe(16 * 1024 * 1024);
    expect(resolveStompOptions({ queueBytesLimit: 100 * 1024 * 1024 }).queueTotalBytesLimit).toBe(100 * 1024 * 1024);
  });

  it('are taken with the relay, where they are RabbitMQ queues', () => {
    expect(resolveStompOptions({ queues: ['/queue/**'], relay: { host: '127.0.0.1' } }).queues).toEqual(['/queue/**']);
  });

  it('refuse a pattern no broker prefix covers, and values that are not patterns', () => {
    expect(() => resolveStompOptions({ brokerPrefixes: ['/topic'], queues: ['/queue/**'] })).toThrow(StompOptionsError);
    expect(() => resolveStompOptions({ queues: '/queue/**' as unknown as string[] })).toThrow(/destination patterns/);
    expect(() => resolveStompOptions({ queueMessagesLimit: 0 })).toThrow(/positive whole number/);
  });
});
