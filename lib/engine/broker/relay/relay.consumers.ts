import type { StompFrame, StompHeaders } from '../../../interfaces/stomp-frame.interface.js';
import type { AckMode } from '../../../interfaces/stomp-session.interface.js';
import type { BrokerSubscriber, BrokerSubscriptionView, OutboundMessage } from '../../../interfaces/message-broker.interface.js';
import type { StompProtocolError } from '../../errors/protocol.error.js';
import type { StompHistoryRule } from '../../../interfaces/stomp-options.interface.js';
import type { RelayReceipts } from './relay.receipts.js';
import type { StompTcpClient } from './stomp-tcp.client.js';

/** Which destinations are RabbitMQ queues (the `queues` option) and which are streams (`history`). */
export interface RelayRoutes {
  queues: readonly string[];
  history: readonly StompHistoryRule[];
  /** Each stream's `x-max-length-bytes`. */
  historyBytesLimit: number;
}

/** Settles once the broker has confirmed a subscription; rejected when it refuses it. */
export interface Pending {
  readonly promise: Promise<void>;
  settle(error?: StompProtocolError): void;
}

export function pending(): Pending {
  let settle!: Pending['settle'];
  const promise = new Promise<void>((resolve, reject) => (settle = (error) => (error ? reject(error) : resolve())));
  // Nobody may be waiting (subscribed without confirm); the sessions that wait still see the rejection.
  promise.catch(() => undefined);
  return { promise, settle };
}

/** One client subscription that is also one broker subscription of its own (a queue consumer, a stream reader). */
export interface RelayConsumer {
  readonly brokerId: string;
  readonly subscriber: BrokerSubscriber;
  readonly subscriptionId: string;
  readonly destination: string;
  readonly ackMode: AckMode;
  /** The broker's `ack` of each delivered message the client has still to settle, by our message-id, in delivery order. */
  readonly unacked: Map<string, string>;
  pending: Pending | undefined;
}

/** A queue consumer whose client has gone, still subscribed at the broker until what it held has gone elsewhere. */
interface Leaving {
  bounces: number;
  timer: NodeJS.Timeout | undefined;
}

/** A message RabbitMQ hands straight back to a leaving consumer is returned again this much later (no busy loop). */
const BOUNCE_DELAY_MS = 50;
/** With nothing coming back for this long, the leaving consumer is cancelled. */
const QUIET_MS = 500;
/** It stops returning messages after this many: RabbitMQ then keeps the last one unacknowledged until the connection ends. */
const MAX_BOUNCES = 100;

/** A client SUBSCRIBE the relay serves with a broker subscription of its own. */
export interface ConsumerRequest {
  readonly subscriber: BrokerSubscriber;
  readonly subscriptionId: string;
  readonly destination: string;
  readonly ackMode: AckMode;
  /** The client asked for a RECEIPT: wait for the broker's, even across an outage. */
  readonly confirm: boolean;
  readonly headers: Readonly<StompHeaders> | undefined;
}

/** The bookkeeping every consumer starts with. */
export function consumerOf(request: ConsumerRequest, brokerId: string): RelayConsumer {
  const { subscriber, subscriptionId, destination, ackMode } = request;
  return { brokerId, subscriber, subscriptionId, destination, ackMode, unacked: new Map(), pending: undefined };
}

/** What differs between queue consumers and stream readers. */
export interface ConsumerKind<C extends RelayConsumer> {
  /** The first letter of its broker subscription ids, unlike the relay's others (`s` topics, `u` user routes). */
  readonly prefix: string;
  /** Queues hand a message back with NACK (RabbitMQ redelivers it); a stream's ACK only grants credit, and it has no NACK. */
  readonly requeues: boolean;
  /** The broker SUBSCRIBE's headers (destination, ack, prefetch, declaration, start), made again on every reconnection. */
  subscribeHeaders(consumer: C): StompHeaders;
  receive(consumer: C, frame: StompFrame): void;
}

/**
 * The relay's broker subscriptions that serve one client subscription each: made (again, after a
 * reconnection) when the client subscribes, cancelled when it goes, with what it held handed back to
 * the broker first. The broker subscription is always `client-individual`: RabbitMQ's STOMP adapter
 * runs every subscription of a connection on one channel, where a cumulative (`client`) ACK would also
 * settle the other subscriptions' messages; a client's cumulative ACK is applied here, one by one.
 */
export class RelayConsumers<C extends RelayConsumer> {
  private readonly byBrokerId = new Map<string, C>();
  private readonly bySession = new Map<string, Map<string, C>>();
  private readonly leaving = new Map<string, Leaving>();

  constructor(
    private readonly client: StompTcpClient,
    private readonly receipts: RelayReceipts,
    private readonly kind: ConsumerKind<C>,
  ) {}

  /** Resolves once the broker has the subscription (see StompBrokerRelay.subscribe for when a session waits). */
  add(consumer: C, confirm: boolean): void | Promise<void> {
    let forSession = this.bySession.get(consumer.subscriber.id);
    if (!forSession) this.bySession.set(consumer.subscriber.id, (forSession = new Map()));
    forSession.set(consumer.subscriptionId, consumer);
    this.byBrokerId.set(consumer.brokerId, consumer);
    const waiting = (consumer.pending = pending());
    this.subscribeAtBroker(consumer);
    if (confirm || this.client.connected) return waiting.promise;
  }

  /** False when the subscription is not one of these. */
  remove(sessionId: string, subscriptionId: string): boolean {
    const forSession = this.bySession.get(sessionId);
    const consumer = forSession?.get(subscriptionId);
    if (!consumer) return false;
    forSession!.delete(subscriptionId);
    if (forSession!.size === 0) this.bySession.delete(sessionId);
    consumer.pending?.settle();
    if (!this.kind.requeues || consumer.unacked.size === 0 || !this.client.connected) {
      this.cancel(consumer.brokerId);
      return true;
    }
    // RabbitMQ's STOMP adapter keeps a cancelled subscription's unacknowledged messages on the channel, beyond
    // any ACK or NACK: so hand them back while still subscribed, and cancel once none comes back to this one.
    const leaving: Leaving = { bounces: 0, timer: undefined };
    this.leaving.set(consumer.brokerId, leaving);
    for (const brokerAck of consumer.unacked.values()) this.handBack(brokerAck);
    consumer.unacked.clear();
    this.cancelWhenQuiet(consumer.brokerId, leaving);
    return true;
  }

  sessionClosed(sessionId: string): void {
    for (const subscriptionId of [...(this.bySession.get(sessionId)?.keys() ?? [])]) this.remove(sessionId, subscriptionId);
  }

  /** ACK or NACK of one of our message-ids, cumulative for `client` subscriptions; false when it is not theirs to settle. */
  settle(sessionId: string, ackId: string, accepted: boolean): boolean {
    for (const consumer of this.bySession.get(sessionId)?.values() ?? []) {
      if (!consumer.unacked.has(ackId)) continue;
      for (const [messageId, brokerAck] of [...consumer.unacked]) {
        if (consumer.ackMode !== 'client' && messageId !== ackId) continue;
        consumer.unacked.delete(messageId);
        if (accepted) this.client.send('ACK', { id: brokerAck });
        else this.handBack(brokerAck);
        if (messageId === ackId) break;
      }
      return true;
    }
    return false;
  }

  /** True when the MESSAGE was for one of these (handled or dropped). */
  receive(frame: StompFrame): boolean {
    const brokerId = frame.headers.subscription;
    if (!brokerId?.startsWith(this.kind.prefix)) return false;
    const consumer = this.byBrokerId.get(brokerId);
    const leaving = this.leaving.get(brokerId);
    if (leaving && frame.headers.ack !== undefined) this.bounce(brokerId, leaving, frame.headers.ack);
    else if (consumer) this.kind.receive(consumer, frame);
    // Sent before the broker had our UNSUBSCRIBE: left unacknowledged, it would stay on the channel until the connection ends.
    else if (frame.headers.ack !== undefined) this.handBack(frame.headers.ack);
    return true;
  }

  /**
   * Hands one broker message to the client. Settled at the broker at once when `settleNow` (nothing to
   * hold it for), handed back when the session could not take it, else held until the client's ACK.
   */
  deliver(consumer: C, message: OutboundMessage, brokerAck: string | undefined, settleNow: boolean): void {
    const messageId = consumer.subscriber.deliver(message, consumer.subscriptionId, consumer.ackMode);
    if (brokerAck === undefined) return;
    if (!messageId) this.handBack(brokerAck);
    else if (settleNow) this.client.send('ACK', { id: brokerAck });
    else consumer.unacked.set(messageId, brokerAck);
  }

  /** The connection is gone, and with its channel RabbitMQ has handed back every unacknowledged message. */
  disconnected(): void {
    for (const brokerId of [...this.leaving.keys()]) this.forget(brokerId);
    for (const consumer of this.byBrokerId.values()) {
      consumer.unacked.clear();
      consumer.pending ??= pending();
    }
  }

  reconnected(): void {
    for (const consumer of this.byBrokerId.values()) this.subscribeAtBroker(consumer);
  }

  readers(): IterableIterator<C> {
    return this.byBrokerId.values();
  }

  views(): BrokerSubscriptionView[] {
    return [...this.byBrokerId.values()]
      .filter((c) => !this.leaving.has(c.brokerId))
      .map((c) => ({
        sessionId: c.subscriber.id,
        subscriptionId: c.subscriptionId,
        destination: c.destination,
        ackMode: c.ackMode,
      }));
  }

  clear(): void {
    for (const brokerId of [...this.leaving.keys()]) this.forget(brokerId);
    this.byBrokerId.clear();
    this.bySession.clear();
  }

  private bounce(brokerId: string, leaving: Leaving, brokerAck: string): void {
    clearTimeout(leaving.timer);
    if (++leaving.bounces > MAX_BOUNCES) return this.cancel(brokerId);
    leaving.timer = setTimeout(() => {
      this.handBack(brokerAck);
      this.cancelWhenQuiet(brokerId, leaving);
    }, BOUNCE_DELAY_MS);
  }

  private cancelWhenQuiet(brokerId: string, leaving: Leaving): void {
    clearTimeout(leaving.timer);
    leaving.timer = setTimeout(() => this.cancel(brokerId), QUIET_MS);
  }

  private cancel(brokerId: string): void {
    this.forget(brokerId);
    this.client.send('UNSUBSCRIBE', { id: brokerId });
  }

  private forget(brokerId: string): void {
    clearTimeout(this.leaving.get(brokerId)?.timer);
    this.leaving.delete(brokerId);
    this.byBrokerId.delete(brokerId);
  }

  /** NACK with `requeue` for a queue (RabbitMQ redelivers it, `redelivered:true`); a stream just gets its credit back. */
  private handBack(brokerAck: string): void {
    if (this.kind.requeues) this.client.send('NACK', { id: brokerAck, requeue: 'true' });
    else this.client.send('ACK', { id: brokerAck });
  }

  private subscribeAtBroker(consumer: C): void {
    if (!this.client.connected) return;
    const settle = (error?: StompProtocolError): void => {
      const waiting = consumer.pending;
      consumer.pending = undefined;
      waiting?.settle(error);
    };
    const receipt = this.receipts.expect(settle, true);
    const headers = { ...this.kind.subscribeHeaders(consumer), id: consumer.brokerId, ack: 'client-individual', receipt };
    if (!this.client.send('SUBSCRIBE', headers)) this.receipts.forget(receipt);
  }
}
