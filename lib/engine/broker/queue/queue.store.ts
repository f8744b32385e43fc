import { StompProtocolError } from '../../errors/protocol.error.js';
import type { AckMode } from '../../../interfaces/stomp-session.interface.js';
import type { StompHeaders } from '../../../interfaces/stomp-frame.interface.js';
import type { BrokerMessage, BrokerSubscriber, BrokerSubscriptionView } from '../../../interfaces/message-broker.interface.js';
import type { StompQueueView } from '../../../interfaces/stomp-queue.interface.js';
import type { CompiledPattern, DestinationMatcher } from '../destination.matcher.js';
import { MessageQueue, type PoisonPolicy, type QueueBytes, type QueueConsumer } from './message.queue.js';
import { CLIENT_MESSAGES } from '../../stomp.messages.js';

/** How much the queues may hold; unacknowledged messages count as much as waiting ones. */
export interface QueueLimits {
  /** Messages one queue holds. */
  queueMessagesLimit: number;
  /** Bytes one queue holds. */
  queueBytesLimit: number;
  /** Bytes all queues hold together: destinations are the clients' choice, so per-queue limits alone bound nothing. */
  queueTotalBytesLimit: number;
  /** Deliveries of one message without an ACK before it leaves its queue (a poison message). */
  queueDeliveryLimit: number;
  /** Where such a message goes (any broker destination, a queue too); none = it is dropped. */
  queueDeadLetterDestination?: string;
}

/** What one held message costs beyond its body and headers (its entry, its share of a queue): keeps the total honest for tiny messages. */
export const QUEUED_MESSAGE_OVERHEAD = 256;

interface ConsumerEntry {
  queue: MessageQueue;
  consumer: QueueConsumer;
}

/**
 * Every point-to-point queue of the in-memory broker: which destinations are queues (the `queues`
 * patterns), their bounds, and which session holds which consumer (for ACK, UNSUBSCRIBE, end of session).
 * A queue exists while it holds a message or has a consumer.
 */
export class QueueStore {
  private readonly patterns: CompiledPattern[];
  private readonly queues = new Map<string, MessageQueue>();
  private readonly bySession = new Map<string, Map<string, ConsumerEntry>>();
  private readonly account: QueueBytes = { total: 0 };
  private readonly poison: PoisonPolicy;
  /** How a dead-lettered message is published: set by the broker, which owns every destination. */
  republish: (message: BrokerMessage) => void = () => undefined;

  constructor(
    patterns: readonly string[],
    private readonly matcher: DestinationMatcher,
    private readonly limits: QueueLimits,
  ) {
    this.patterns = patterns.map((p) => matcher.compile(p));
    this.poison = {
      limit: limits.queueDeliveryLimit,
      deadLetter: (message, from, deliveries) => this.deadLetter(message, from, deliveries),
    };
  }

  /** Bytes held by all queues together. */
  get totalBytes(): number {
    return this.account.total;
  }

  claims(destination: string): boolean {
    return this.patterns.some((p) => p.test(destination));
  }

  /** A consumer for the queue `destination` (an exact name: a pattern cannot compete for one message). */
  subscribe(
    subscriber: BrokerSubscriber,
    subscriptionId: string,
    destination: string,
    ackMode: AckMode,
    headers?: Readonly<StompHeaders>,
  ): void {
    if (this.matcher.isPattern(destination)) {
      throw new StompProtocolError('QUEUE_PATTERN', CLIENT_MESSAGES.queuePattern(destination));
    }
    const prefetch = prefetchOf(headers?.['prefetch-count']);
    const consumer: QueueConsumer = { subscriber, subscriptionId, ackMode, prefetch, unacked: new Map(), detached: false };
    let forSession = this.bySession.get(subscriber.id);
    if (!forSession) this.bySession.set(subscriber.id, (forSession = new Map()));
    const queue = this.queueOf(destination);
    forSession.set(subscriptionId, { queue, consumer });
    queue.add(consumer);
  }

  /** False when the subscription is not a queue consumer. */
  unsubscribe(sessionId: string, subscriptionId: string): boolean {
    const forSession = this.bySession.get(sessionId);
    const entry = forSession?.get(subscriptionId);
    if (!entry) return false;
    forSession!.delete(subscriptionId);
    if (forSession!.size === 0) this.bySession.delete(sessionId);
    entry.queue.remove(entry.consumer);
    this.forgetIfIdle(entry.queue);
    return true;
  }

  /** Queues the message, or refuses it with QUEUE_FULL (the sender is told; nothing already queued is dropped). */
  publish(message: BrokerMessage): number {
    const bytes = messageBytes(message);
    const queue = this.queueOf(message.destination);
    const { queueMessagesLimit, queueBytesLimit, queueTotalBytesLimit } = this.limits;
    if (queue.held >= queueMessagesLimit || queue.bytes + bytes > queueBytesLimit || this.account.total + bytes > queueTotalBytesLimit) {
      queue.refused++;
      this.forgetIfIdle(queue);
      const which = this.account.total + bytes > queueTotalBytesLimit ? 'All queues together hold' : 'A queue holds';
      const limit = which.startsWith('All')
        ? `${queueTotalBytesLimit} bytes`
        : `${queueMessagesLimit} messages or ${queueBytesLimit} bytes`;
      throw new StompProtocolError('QUEUE_FULL', CLIENT_MESSAGES.queueFull(message.destination, which, String(limit)), {}, false);
    }
    return queue.offer(message, bytes);
  }

  /** False when `ackId` is not a queue delivery of this session still waiting for its ACK. */
  ack(sessionId: string, ackId: string, accepted: boolean): boolean {
    const forSession = this.bySession.get(sessionId);
    if (!forSession) return false;
    for (const { queue, consumer } of forSession.values()) {
      if (!queue.settle(consumer, ackId, accepted)) continue;
      this.forgetIfIdle(queue);
      return true;
    }
    return false;
  }

  sessionClosed(sessionId: string): void {
    const forSession = this.bySession.get(sessionId);
    if (!forSession) return;
    for (const subscriptionId of [...forSession.keys()]) this.unsubscribe(sessionId, subscriptionId);
  }

  /** The queue consumers, as the broker lists its subscriptions. */
  subscriptions(): BrokerSubscriptionView[] {
    const views: BrokerSubscriptionView[] = [];
    for (const [sessionId, forSession] of this.bySession) {
      for (const [subscriptionId, { queue, consumer }] of forSession) {
        views.push({ sessionId, subscriptionId, destination: queue.destination, ackMode: consumer.ackMode });
      }
    }
    return views;
  }

  views(): StompQueueView[] {
    return [...this.queues.values()].map((q) => q.view());
  }

  close(): void {
    this.queues.clear();
    this.bySession.clear();
    this.account.total = 0;
  }

  private queueOf(destination: string): MessageQueue {
    let queue = this.queues.get(destination);
    if (!queue) this.queues.set(destination, (queue = new MessageQueue(destination, this.account, this.poison)));
    return queue;
  }

  /** Headers as RabbitMQ's dead-lettering writes them, so a consumer of the dead letters reads both alike. */
  private deadLetter(message: BrokerMessage, from: string, deliveries: number): void {
    const destination = this.limits.queueDeadLetterDestination;
    if (destination === undefined) return;
    const headers = {
      ...message.headers,
      'x-first-death-queue': from,
      'x-first-death-reason': 'delivery_limit',
      'x-delivery-count': String(deliveries),
    };
    try {
      this.republish({ ...message, destination, headers });
    } catch {
      // A full dead-letter queue refuses it (QUEUE_FULL): dropped, as without a dead-letter destination.
    }
  }

  private forgetIfIdle(queue: MessageQueue): void {
    if (queue.idle) this.queues.delete(queue.destination);
  }
}

export function prefetchOf(value: string | undefined): number {
  if (value === undefined) return 0;
  if (!/^\d{1,9}$/.test(value)) throw new StompProtocolError('MALFORMED_HEADER', CLIENT_MESSAGES.badPrefetch(value));
  return Number(value);
}

function messageBytes(message: BrokerMessage): number {
  let size = message.body.length + message.destination.length + QUEUED_MESSAGE_OVERHEAD;
  for (const name in message.headers) size += name.length + message.headers[name].length + 2;
  return size;
}
