import type { AckMode } from '../../../interfaces/stomp-session.interface.js';
import type { BrokerMessage, BrokerSubscriber, OutboundMessage } from '../../../interfaces/message-broker.interface.js';
import type { StompQueueView } from '../../../interfaces/stomp-queue.interface.js';
import { MessageFrameTemplate } from '../../protocol/frame.serializer.js';

/** One message a queue holds: waiting for a consumer, or delivered and not yet acknowledged. */
export interface QueuedMessage {
  readonly message: BrokerMessage;
  /** What it counts against the byte limits. */
  readonly bytes: number;
  /** Set once handed back (NACK, UNSUBSCRIBE, end of session): later deliveries say `redelivered:true`. */
  redelivered: boolean;
  /** Who had it last: a redelivery goes to another consumer whenever another one has room. */
  lastConsumer?: QueueConsumer;
  /** MESSAGE frames it caused; at the delivery limit, a hand-back dead-letters it instead. */
  deliveries?: number;
  first?: OutboundMessage;
  again?: OutboundMessage;
}

/** One subscription competing for a queue's messages. */
export interface QueueConsumer {
  readonly subscriber: BrokerSubscriber;
  readonly subscriptionId: string;
  readonly ackMode: AckMode;
  /** Unacknowledged messages it may hold; 0 = no limit. `auto` consumers hold nothing, so it does not apply to them. */
  readonly prefetch: number;
  /** By message-id, in delivery order: a `client` ACK settles everything up to the one it names. */
  readonly unacked: Map<string, QueuedMessage>;
  detached: boolean;
}

/** Bytes held by every queue of a broker together (the total limit is checked against it). */
export interface QueueBytes {
  total: number;
}

/** What a queue does with a message no consumer settles: after `limit` deliveries it goes to `deadLetter` instead of back in line. */
export interface PoisonPolicy {
  readonly limit: number;
  deadLetter(message: BrokerMessage, from: string, deliveries: number): void;
}

/**
 * The point-to-point queue of one destination: each message goes to one consumer, round-robin among
 * those with room; `client` / `client-individual` deliveries are held until ACK and handed back on
 * NACK or when their consumer goes. Messages wait, in order, while no consumer has room.
 */
export class MessageQueue {
  private readonly consumers: QueueConsumer[] = [];
  /** Waiting messages from `head` on (a deque without shifting the array on every delivery). */
  private waiting: QueuedMessage[] = [];
  private head = 0;
  private cursor = 0;
  private dispatching = false;
  private unackedCount = 0;
  bytes = 0;
  refused = 0;
  private redeliveries = 0;
  private delivered = 0;
  private deadLettered = 0;

  constructor(
    readonly destination: string,
    private readonly account: QueueBytes,
    private readonly poison: PoisonPolicy,
  ) {}

  /** Messages held: waiting and unacknowledged. */
  get held(): number {
    return this.waiting.length - this.head + this.unackedCount;
  }

  /** Nothing held and nobody subscribed: the store may forget it. */
  get idle(): boolean {
    return this.consumers.length === 0 && this.held === 0;
  }

  /** Takes a message (the store has checked the limits); returns how many MESSAGE frames it caused now. */
  offer(message: BrokerMessage, bytes: number): number {
    this.bytes += bytes;
    this.account.total += bytes;
    this.waiting.push({ message, bytes, redelivered: false });
    const before = this.delivered;
    this.dispatch();
    return this.delivered - before;
  }

  add(consumer: QueueConsumer): void {
    this.consumers.push(consumer);
    this.dispatch();
  }

  /** The consumer goes (UNSUBSCRIBE, end of session); what it had not acknowledged is redelivered to the others. */
  remove(consumer: QueueConsumer): void {
    if (consumer.detached) return;
    consumer.detached = true;
    this.consumers.splice(this.consumers.indexOf(consumer), 1);
    const unacked = [...consumer.unacked.values()];
    consumer.unacked.clear();
    this.unackedCount -= unacked.length;
    this.handBack(unacked);
    this.dispatch();
  }

  /** ACK (accepted) or NACK of `messageId`; cumulative for `client` consumers. False when it is not theirs to settle. */
  settle(consumer: QueueConsumer, messageId: string, accepted: boolean): boolean {
    if (!consumer.unacked.has(messageId)) return false;
    const settled: QueuedMessage[] = [];
    for (const [id, entry] of consumer.unacked) {
      if (consumer.ackMode === 'client' || id === messageId) {
        consumer.unacked.delete(id);
        settled.push(entry);
      }
      if (id === messageId) break;
    }
    this.unackedCount -= settled.length;
    if (accepted) for (const entry of settled) this.release(entry);
    else this.handBack(settled);
    this.dispatch();
    return true;
  }

  view(): StompQueueView {
    const { destination, bytes, refused, redeliveries, delivered, deadLettered } = this;
    const depth = this.waiting.length - this.head;
    const consumers = this.consumers.length;
    return { destination, depth, unacked: this.unackedCount, bytes, consumers, redeliveries, refused, delivered, deadLettered };
  }

  /**
   * Puts messages back at the head of the queue, in their order, marked redelivered; one that reached the
   * delivery limit leaves the queue instead, so a message every consumer fails on cannot circle forever.
   */
  private handBack(entries: QueuedMessage[]): void {
    for (let i = entries.length - 1; i >= 0; i--) {
      const entry = entries[i];
      if ((entry.deliveries ?? 0) >= this.poison.limit) {
        this.release(entry);
        this.deadLettered++;
        this.poison.deadLetter(entry.message, this.destination, entry.deliveries!);
        continue;
      }
      entry.redelivered = true;
      this.putFirst(entry);
      this.redeliveries++;
    }
  }

  private putFirst(entry: QueuedMessage): void {
    if (this.head > 0) this.waiting[--this.head] = entry;
    else this.waiting.unshift(entry);
  }

  private release(entry: QueuedMessage): void {
    this.bytes -= entry.bytes;
    this.account.total -= entry.bytes;
  }

  private dispatch(): void {
    // A delivery can end a session (its send buffer overflows), which removes a consumer and comes back here.
    if (this.dispatching) return;
    this.dispatching = true;
    try {
      while (this.head < this.waiting.length) {
        const entry = this.waiting[this.head];
        const consumer = this.pick(entry.lastConsumer);
        if (!consumer) break;
        this.head++;
        this.deliver(consumer, entry);
      }
      this.compact();
    } finally {
      this.dispatching = false;
    }
  }

  private deliver(consumer: QueueConsumer, entry: QueuedMessage): void {
    const outbound = entry.redelivered ? (entry.again ??= frames(entry.message, true)) : (entry.first ??= frames(entry.message, false));
    const messageId = consumer.subscriber.deliver(outbound, consumer.subscriptionId, consumer.ackMode);
    if (messageId === undefined || messageId === '') {
      // Not sent (the session is no longer connected): it stays first in line, and that consumer is gone.
      this.putFirst(entry);
      this.remove(consumer);
      return;
    }
    this.delivered++;
    entry.deliveries = (entry.deliveries ?? 0) + 1;
    if (consumer.ackMode === 'auto') return this.release(entry);
    entry.lastConsumer = consumer;
    if (consumer.detached) return this.handBack([entry]);
    consumer.unacked.set(messageId, entry);
    this.unackedCount++;
  }

  /** The next consumer with room after the last one served; `avoid` (who had the message last) only when nobody else has room. */
  private pick(avoid: QueueConsumer | undefined): QueueConsumer | undefined {
    const n = this.consumers.length;
    let fallback = -1;
    for (let i = 0; i < n; i++) {
      const index = (this.cursor + i) % n;
      const consumer = this.consumers[index];
      if (!hasRoom(consumer)) continue;
      if (consumer === avoid && n > 1) {
        if (fallback < 0) fallback = index;
        continue;
      }
      this.cursor = index + 1;
      return consumer;
    }
    if (fallback < 0) return undefined;
    this.cursor = fallback + 1;
    return this.consumers[fallback];
  }

  private compact(): void {
    if (this.head === this.waiting.length) {
      this.waiting = [];
      this.head = 0;
    } else if (this.head > 1024 && this.head * 2 > this.waiting.length) {
      this.waiting = this.waiting.slice(this.head);
      this.head = 0;
    }
  }
}

function hasRoom(consumer: QueueConsumer): boolean {
  return consumer.ackMode === 'auto' || consumer.prefetch === 0 || consumer.unacked.size < consumer.prefetch;
}

/** Serialised once per message (and once more if it is ever redelivered), whatever the number of consumers. */
function frames(message: BrokerMessage, redelivered: boolean): OutboundMessage {
  const headers = { destination: message.destination, ...message.headers, redelivered: String(redelivered) };
  return { template: new MessageFrameTemplate(headers, message.body) };
}
