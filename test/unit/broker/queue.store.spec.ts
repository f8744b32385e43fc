import { describe, expect, it } from '@jest/globals';
import { DestinationMatcher } from '../../../lib/engine/broker/destination.matcher.js';
import { QUEUED_MESSAGE_OVERHEAD, QueueStore, type QueueLimits } from '../../../lib/engine/broker/queue/queue.store.js';
import type { AckMode } from '../../../lib/interfaces/stomp-session.interface.js';
import type { BrokerSubscriber, OutboundMessage } from '../../../lib/interfaces/message-broker.interface.js';

interface Received {
  subscriptionId: string;
  messageId: string;
  body: string;
  redelivered: string | undefined;
}

/** A session as the broker sees it: renders each MESSAGE it is handed, numbers it as a session does, and keeps it. */
class RecordingSubscriber implements BrokerSubscriber {
  readonly received: Received[] = [];
  connected = true;
  private next = 0;

  constructor(readonly id: string) {}

  deliver(message: OutboundMessage, subscriptionId: string, ackMode: AckMode): string | undefined {
    if (!this.connected) return undefined;
    const messageId = String(++this.next);
    const text = message.template.render(subscriptionId, messageId, '1.2', ackMode === 'auto' ? undefined : messageId).toString('utf8');
    const [head, body] = text.split('\n\n');
    const headers = Object.fromEntries(
      head
        .split('\n')
        .slice(1)
        .map((line) => line.split(/:(.*)/s, 2)),
    );
    this.received.push({ subscriptionId, messageId, body: body.replace(/\0$/, ''), redelivered: headers.redelivered });
    return messageId;
  }

  bodies(): string[] {
    return this.received.map((r) => r.body);
  }
}

const LIMITS: QueueLimits = { queueMessagesLimit: 100, queueBytesLimit: 1 << 20, queueTotalBytesLimit: 1 << 22, queueDeliveryLimit: 20 };

function store(limits: Partial<QueueLimits> = {}): QueueStore {
  return new QueueStore(['/queue/**'], new DestinationMatcher(), { ...LIMITS, ...limits });
}

function send(queues: QueueStore, body: string, destination = '/queue/work'): number {
  return queues.publish({ destination, headers: {}, body: Buffer.from(body) });
}

describe('QueueStore', () => {
  it('claims only the destinations its patterns match', () => {
    const queues = store();
    expect(queues.claims('/queue/work')).toBe(true);
    expect(queues.claims('/queue/a/b')).toBe(true);
    expect(queues.claims('/topic/work')).toBe(false);
  });

  it('gives each message to one consumer, round-robin', () => {
    const queues = store();
    const a = new RecordingSubscriber('a');
    const b = new RecordingSubscriber('b');
    queues.subscribe(a, 'sub', '/queue/work', 'auto');
    queues.subscribe(b, 'sub', '/queue/work', 'auto');
    for (let i = 0; i < 6; i++) expect(send(queues, `m${i}`)).toBe(1);
    expect(a.bodies()).toEqual(['m0', 'm2', 'm4']);
    expect(b.bodies()).toEqual(['m1', 'm3', 'm5']);
    expect(a.received.every((r) => r.redelivered === 'false')).toBe(true);
    expect(queues.views()).toEqual([expect.objectContaining({ destination: '/queue/work', depth: 0, unacked: 0, bytes: 0, delivered: 6 })]);
  });

  it('keeps messages sent while nobody subscribes, in order, for the first consumer', () => {
    const queues = store();
    for (let i = 0; i < 3; i++) expect(send(queues, `m${i}`)).toBe(0);
    expect(queues.views()[0]).toMatchObject({ depth: 3, consumers: 0 });
    const a = new RecordingSubscriber('a');
    queues.subscribe(a, 'sub', '/queue/work', 'auto');
    expect(a.bodies()).toEqual(['m0', 'm1', 'm2']);
    // Empty and unsubscribed: nothing is kept for it any more.
    queues.unsubscribe('a', 'sub');
    expect(queues.views()).toEqual([]);
    expect(queues.totalBytes).toBe(0);
  });

  it('holds client-individual deliveries until ACK and honours prefetch-count', () => {
    const queues = store();
    const a = new RecordingSubscriber('a');
    queues.subscribe(a, 'sub', '/queue/work', 'client-individual', { 'prefetch-count': '2' });
    for (let i = 0; i < 5; i++) send(queues, `m${i}`);
    expect(a.bodies()).toEqual(['m0', 'm1']);
    expect(queues.views()[0]).toMatchObject({ depth: 3, unacked: 2 });
    expect(queues.ack('a', a.received[1].messageId, true)).toBe(true);
    expect(a.bodies()).toEqual(['m0', 'm1', 'm2']);
    expect(queues.views()[0]).toMatchObject({ depth: 2, unacked: 2 });
    // Acknowledged twice, or never delivered: nothing to settle.
    expect(queues.ack('a', a.received[1].messageId, true)).toBe(false);
    expect(queues.ack('a', '999', true)).toBe(false);
  });

  it('acks cumulatively in client mode', () => {
    const queues = store();
    const a = new RecordingSubscriber('a');
    queues.subscribe(a, 'sub', '/queue/work', 'client');
    for (let i = 0; i < 4; i++) send(queues, `m${i}`);
    queues.ack('a', a.received[2].messageId, true);
    expect(queues.views()[0]).toMatchObject({ unacked: 1, depth: 0 });
    queues.ack('a', a.received[3].messageId, true);
    expect(queues.views()).toEqual([expect.objectContaining({ unacked: 0, bytes: 0 })]);
  });

  it('redelivers a NACKed message to another consumer, marked redelivered', () => {
    const queues = store();
    const a = new RecordingSubscriber('a');
    const b = new RecordingSubscriber('b');
    queues.subscribe(a, 'sub', '/queue/work', 'client-individual');
    queues.subscribe(b, 'sub', '/queue/work', 'client-individual');
    send(queues, 'job');
    expect(a.bodies()).toEqual(['job']);
    queues.ack('a', a.received[0].messageId, false);
    expect(b.received).toEqual([expect.objectContaining({ body: 'job', redelivered: 'true' })]);
    expect(a.received).toHaveLength(1);
    expect(queues.views()[0]).toMatchObject({ redeliveries: 1, unacked: 1 });
  });

  it('takes a message out after queueDeliveryLimit deliveries without an ACK, and frees what it held', () => {
    const queues = store({ queueDeliveryLimit: 3 });
    const a = new RecordingSubscriber('a');
    queues.subscribe(a, 'sub', '/queue/work', 'client-individual');
    send(queues, 'poison');
    send(queues, 'fine');
    for (let nack = 0; nack < 3; nack++) {
      const last = a.received.filter((r) => r.body === 'poison').at(-1)!;
      queues.ack('a', last.messageId, false);
    }
    // Delivered three times, NACKed three times: gone, and the next message is not held up behind it.
    expect(a.bodies().filter((b) => b === 'poison')).toHaveLength(3);
    expect(queues.views()[0]).toMatchObject({ deadLettered: 1, redeliveries: 2, unacked: 1, depth: 0 });
    queues.ack('a', a.received.find((r) => r.body === 'fine')!.messageId, true);
    expect(queues.totalBytes).toBe(0);
  });

  it('counts a consumer that goes without settling as a delivery too, and dead-letters with RabbitMQ headers', () => {
    const queues = store({ queueDeliveryLimit: 2, queueDeadLetterDestination: '/queue/dead' });
    const published: Array<{ destination: string; headers: Record<string, string>; body: string }> = [];
    queues.republish = (m) => void published.push({ destination: m.destination, headers: { ...m.headers }, body: m.body.toString() });
    for (const id of ['a', 'b']) {
      const consumer = new RecordingSubscriber(id);
      queues.subscribe(consumer, 'sub', '/queue/work', 'client');
      if (id === 'a') send(queues, 'poison', '/queue/work');
      queues.sessionClosed(id);
    }
    expect(published).toEqual([
      {
        destination: '/queue/dead',
        headers: { 'x-first-death-queue': '/queue/work', 'x-first-death-reason': 'delivery_limit', 'x-delivery-count': '2' },
        body: 'poison',
      },
    ]);
    expect(queues.totalBytes).toBe(0);
  });

  it('redelivers to the same consumer when it is the only one', () => {
    const queues = store();
    const a = new RecordingSubscriber('a');
    queues.subscribe(a, 'sub', '/queue/work', 'client-individual');
    send(queues, 'job');
    queues.ack('a', a.received[0].messageId, false);
    expect(a.received.map((r) => [r.body, r.redelivered])).toEqual([
      ['job', 'false'],
      ['job', 'true'],
    ]);
  });

  it('redelivers what a closed session had not acknowledged, in order, ahead of later messages', () => {
    const queues = store();
    const a = new RecordingSubscriber('a');
    queues.subscribe(a, 'sub', '/queue/work', 'client');
    send(queues, 'm0');
    send(queues, 'm1');
    queues.sessionClosed('a');
    send(queues, 'm2');
    expect(queues.views()[0]).toMatchObject({ depth: 3, consumers: 0, unacked: 0, redeliveries: 2 });
    const b = new RecordingSubscriber('b');
    queues.subscribe(b, 'sub', '/queue/work', 'auto');
    expect(b.received.map((r) => [r.body, r.redelivered])).toEqual([
      ['m0', 'true'],
      ['m1', 'true'],
      ['m2', 'false'],
    ]);
  });

  it('skips a consumer whose session is no longer connected, without losing the message', () => {
    const queues = store();
    const a = new RecordingSubscriber('a');
    const b = new RecordingSubscriber('b');
    queues.subscribe(a, 'sub', '/queue/work', 'auto');
    queues.subscribe(b, 'sub', '/queue/work', 'auto');
    a.connected = false;
    send(queues, 'm0');
    send(queues, 'm1');
    expect(b.bodies()).toEqual(['m0', 'm1']);
    expect(queues.views()[0]).toMatchObject({ consumers: 1 });
  });

  it('redelivers a message whose delivery ended its own session (a send buffer overflowing under the write)', () => {
    const queues = store();
    const dying = new RecordingSubscriber('dying');
    const b = new RecordingSubscriber('b');
    const deliver = dying.deliver.bind(dying);
    dying.deliver = (message, subscriptionId, ackMode) => {
      const id = deliver(message, subscriptionId, ackMode);
      // What StompSession.end does when the write closes the connection: the broker hears of it at once.
      queues.sessionClosed('dying');
      return id;
    };
    queues.subscribe(dying, 'sub', '/queue/work', 'client-individual');
    queues.subscribe(b, 'sub', '/queue/work', 'client-individual');
    send(queues, 'job');
    expect(dying.bodies()).toEqual(['job']);
    expect(b.received.map((r) => [r.body, r.redelivered])).toEqual([['job', 'true']]);
    expect(queues.views()[0]).toMatchObject({ consumers: 1, unacked: 1, depth: 0 });
  });

  it('passes over a consumer at its prefetch-count and keeps round-robin among the others', () => {
    const queues = store();
    const [a, b, c] = ['a', 'b', 'c'].map((id) => new RecordingSubscriber(id));
    queues.subscribe(a, 'sub', '/queue/work', 'client-individual', { 'prefetch-count': '1' });
    queues.subscribe(b, 'sub', '/queue/work', 'auto');
    queues.subscribe(c, 'sub', '/queue/work', 'auto');
    for (let i = 0; i < 5; i++) send(queues, `m${i}`);
    expect([a.bodies(), b.bodies(), c.bodies()]).toEqual([['m0'], ['m1', 'm3'], ['m2', 'm4']]);
  });

  it('refuses a SEND with QUEUE_FULL once the queue holds queueMessagesLimit, keeping what it holds', () => {
    const queues = store({ queueMessagesLimit: 2 });
    send(queues, 'm0');
    send(queues, 'm1');
    expect(() => send(queues, 'm2')).toThrow(expect.objectContaining({ code: 'QUEUE_FULL', fatal: false }));
    expect(queues.views()[0]).toMatchObject({ depth: 2, refused: 1 });
    const a = new RecordingSubscriber('a');
    queues.subscribe(a, 'sub', '/queue/work', 'auto');
    expect(a.bodies()).toEqual(['m0', 'm1']);
  });

  it('counts unacknowledged messages against the limits', () => {
    const queues = store({ queueMessagesLimit: 2 });
    const a = new RecordingSubscriber('a');
    queues.subscribe(a, 'sub', '/queue/work', 'client-individual');
    send(queues, 'm0');
    send(queues, 'm1');
    expect(() => send(queues, 'm2')).toThrow(expect.objectContaining({ code: 'QUEUE_FULL' }));
    queues.ack('a', a.received[0].messageId, true);
    expect(send(queues, 'm2')).toBe(1);
  });

  it('bounds bytes per queue and across all queues', () => {
    const size = QUEUED_MESSAGE_OVERHEAD + '/queue/q0'.length + 100;
    const queues = store({ queueBytesLimit: size * 2, queueTotalBytesLimit: size * 3 });
    const body = 'x'.repeat(100);
    send(queues, body, '/queue/q0');
    send(queues, body, '/queue/q0');
    expect(() => send(queues, body, '/queue/q0')).toThrow(
      expect.objectContaining({ code: 'QUEUE_FULL', message: expect.stringMatching(/A queue holds/) }),
    );
    send(queues, body, '/queue/q1');
    expect(() => send(queues, body, '/queue/q2')).toThrow(
      expect.objectContaining({ message: expect.stringMatching(/All queues together/) }),
    );
    // A refused SEND to a new queue leaves nothing behind.
    expect(
      queues
        .views()
        .map((v) => v.destination)
        .sort(),
    ).toEqual(['/queue/q0', '/queue/q1']);
    expect(queues.totalBytes).toBe(size * 3);
  });

  it('refuses a pattern subscription and a malformed prefetch-count', () => {
    const queues = store();
    const a = new RecordingSubscriber('a');
    expect(() => queues.subscribe(a, 'p', '/queue/*', 'auto')).toThrow(expect.objectContaining({ code: 'QUEUE_PATTERN' }));
    expect(() => queues.subscribe(a, 'x', '/queue/work', 'client', { 'prefetch-count': '-1' })).toThrow(
      expect.objectContaining({ code: 'MALFORMED_HEADER' }),
    );
    expect(queues.subscriptions()).toEqual([]);
  });
});
