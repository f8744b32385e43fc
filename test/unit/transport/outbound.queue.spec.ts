import { afterEach, beforeEach, describe, expect, it, jest } from '@jest/globals';
import { OutboundQueue, type OutboundLimits, type OutboundSink } from '../../../lib/engine/transport/outbound.queue.js';
import type { ConnectionCloseReason } from '../../../lib/engine/transport/stomp.connection.js';

const KIB = 1024;

interface Frame {
  seq: number;
  length: number;
}

/** A socket whose client has stopped reading: everything written stays in its backlog until drain(). */
class StalledSink implements OutboundSink<Frame> {
  backlog = 0;
  readonly written: number[] = [];
  readonly overflows: ConnectionCloseReason[] = [];
  private drained: (() => void) | undefined;

  backlogBytes(): number {
    return this.backlog;
  }

  write(frame: Frame): void {
    this.written.push(frame.seq);
    this.backlog += frame.length;
  }

  whenDrained(callback: () => void): void {
    this.drained = callback;
  }

  overflow(reason: ConnectionCloseReason): void {
    this.overflows.push(reason);
  }

  /** The client reads again until the queue has nothing left for it. */
  drain(): void {
    while (this.drained) {
      this.backlog = 0;
      const callback = this.drained;
      this.drained = undefined;
      callback();
    }
  }
}

const SEND_TIME_LIMIT = 1_000;
const limits = (overflowPolicy: OutboundLimits['overflowPolicy']): OutboundLimits => ({
  sendBufferSizeLimit: 64 * KIB,
  sendTimeLimit: SEND_TIME_LIMIT,
  overflowPolicy,
});

describe('OutboundQueue: sendTimeLimit', () => {
  let sink: StalledSink;
  let seq: number;
  const push = (queue: OutboundQueue<Frame>): void => queue.push({ seq: seq++, length: 4 * KIB });

  /** Writes until the socket is past the queue's high-water mark (16 KiB of a 64 KiB budget), so later frames wait. */
  function stalledQueue(policy: OutboundLimits['overflowPolicy']): OutboundQueue<Frame> {
    const queue = new OutboundQueue<Frame>(sink, limits(policy));
    while (sink.backlog < 16 * KIB) push(queue);
    return queue;
  }

  /** One frame every 100 ms for `ms`, the socket never draining. */
  function trickle(queue: OutboundQueue<Frame>, ms: number): void {
    for (let t = 0; t < ms; t += 100) {
      jest.advanceTimersByTime(100);
      push(queue);
    }
  }

  beforeEach(() => {
    jest.useFakeTimers({ now: 1_000_000 });
    sink = new StalledSink();
    seq = 0;
  });
  afterEach(() => {
    jest.useRealTimers();
  });

  it('drop-oldest: a socket full for five sendTimeLimits under a steady trickle keeps its session and gets the newest frames', () => {
    const queue = stalledQueue('drop-oldest');
    const writtenBefore = sink.written.length;
    trickle(queue, 5 * SEND_TIME_LIMIT);
    expect(sink.overflows).toEqual([]);
    expect(sink.written.length).toBe(writtenBefore);
    expect(queue.dropped).toBeGreaterThan(0);
    sink.drain();
    // What still waited is the end of the trickle, in order, newest last.
    const delivered = sink.written.slice(writtenBefore);
    expect(delivered.length).toBeGreaterThan(0);
    expect(delivered.at(-1)).toBe(seq - 1);
    expect(delivered).toEqual(delivered.map((_, i) => seq - delivered.length + i));
    expect(queue.dropped + sink.written.length).toBe(seq);
  });

  it('drop-oldest: once sendTimeLimit passes, what waited the whole time is dropped and the clock starts again', () => {
    const queue = stalledQueue('drop-oldest');
    const writtenBefore = sink.written.length;
    push(queue);
    push(queue);
    jest.advanceTimersByTime(SEND_TIME_LIMIT + 1);
    const late = seq;
    push(queue);
    expect(queue.dropped).toBe(2);
    // The clock restarted at `late`: a frame just within sendTimeLimit of it drops nothing.
    jest.advanceTimersByTime(SEND_TIME_LIMIT);
    push(queue);
    expect(queue.dropped).toBe(2);
    sink.drain();
    expect(sink.written.slice(writtenBefore)).toEqual([late, late + 1]);
    expect(sink.overflows).toEqual([]);
  });

  it('terminate: the same trickle ends the session once, with send-time-limit, and later pushes are ignored', () => {
    const queue = stalledQueue('terminate');
    const writtenBefore = sink.written.length;
    trickle(queue, 5 * SEND_TIME_LIMIT);
    expect(sink.overflows).toEqual(['send-time-limit']);
    sink.drain();
    expect(sink.written.length).toBe(writtenBefore);
  });
});

describe('OutboundQueue: conflation', () => {
  let sink: StalledSink;
  let seq: number;

  function stalledQueue(): OutboundQueue<Frame> {
    const queue = new OutboundQueue<Frame>(sink, limits('terminate'));
    while (sink.backlog < 16 * KIB) queue.push({ seq: seq++, length: 4 * KIB });
    return queue;
  }

  beforeEach(() => {
    sink = new StalledSink();
    seq = 0;
  });

  it('a behind subscriber keeps only the newest waiting frame per key, in the order the keys first waited', () => {
    const queue = stalledQueue();
    const before = sink.written.length;
    const first: Record<string, number> = {};
    // 3 keys × 1,000 frames of 1 KiB: 3 MiB offered to a 64 KiB budget under the terminate policy.
    for (let i = 0; i < 1000; i++) {
      for (const key of ['btc', 'eth', 'sol']) {
        first[key] ??= seq;
        queue.push({ seq: seq++, length: KIB }, key);
      }
    }
    expect(sink.overflows).toEqual([]);
    expect(queue.conflated).toBe(2997);
    sink.drain();
    expect(sink.written.slice(before)).toEqual([seq - 3, seq - 2, seq - 1]);
  });

  it('unkeyed frames keep their place between conflated ones, and a key waits again once its frame was written', () => {
    const queue = stalledQueue();
    const before = sink.written.length;
    queue.push({ seq: 100, length: KIB }, 'k');
    queue.push({ seq: 101, length: KIB });
    queue.push({ seq: 102, length: KIB }, 'k');
    sink.drain();
    expect(sink.written.slice(before)).toEqual([102, 101]);
    // Stalled again: the key has no waiting frame, so the next one queues instead of replacing a written one.
    while (sink.backlog < 16 * KIB) queue.push({ seq: 200, length: 4 * KIB });
    const again = sink.written.length;
    queue.push({ seq: 300, length: KIB }, 'k');
    queue.push({ seq: 301, length: KIB }, 'k');
    sink.drain();
    expect(sink.written.slice(again)).toEqual([301]);
    expect(queue.conflated).toBe(2);
  });

  it('without a key, a stalled terminate queue still overflows (conflation is what keeps the session)', () => {
    const queue = stalledQueue();
    for (let i = 0; i < 100; i++) queue.push({ seq: seq++, length: KIB });
    expect(sink.overflows).toEqual(['send-buffer-overflow']);
  });
});
