import type { StompHeaders } from '../../interfaces/stomp-frame.interface.js';
import { MessageFrameTemplate } from '../protocol/frame.serializer.js';
import { DestinationMatcher } from './destination.matcher.js';
import { SubscriptionRegistry } from './subscription.registry.js';
import type { QueueStore } from './queue/queue.store.js';
import type { StompQueueView } from '../../interfaces/stomp-queue.interface.js';
import type { AckMode } from '../../interfaces/stomp-session.interface.js';
import type {
  BrokerMessage,
  BrokerSubscriber,
  BrokerSubscriptionView,
  DeliveryFilter,
  MessageBroker,
  OutboundMessage,
} from '../../interfaces/message-broker.interface.js';

interface SubscriberEntry {
  subscriber: BrokerSubscriber;
  ackMode: AckMode;
}

/**
 * The in-memory broker for one process (Spring's SimpleBrokerMessageHandler): pattern
 * subscriptions, one serialisation per published message, delivery in publish order.
 * Destinations the `queues` option names are point-to-point queues (queue/queue.store.ts), with
 * acknowledgements and redelivery; elsewhere an ACK settles nothing: nothing is kept after delivery.
 */
export class SimpleBroker implements MessageBroker {
  private readonly registry: SubscriptionRegistry<SubscriberEntry>;

  constructor(
    matcher: DestinationMatcher,
    cacheLimit: number,
    maxPatternSubscriptions?: number,
    private readonly queueStore?: QueueStore,
  ) {
    this.registry = new SubscriptionRegistry<SubscriberEntry>(matcher, cacheLimit, maxPatternSubscriptions);
    if (queueStore) queueStore.republish = (message) => this.publish(message);
  }

  subscribe(
    subscriber: BrokerSubscriber,
    subscriptionId: string,
    destination: string,
    ackMode: AckMode,
    _confirm?: boolean,
    filter?: DeliveryFilter,
    headers?: Readonly<StompHeaders>,
  ): void {
    if (this.queueStore?.claims(destination)) return this.queueStore.subscribe(subscriber, subscriptionId, destination, ackMode, headers);
    this.registry.add(subscriber.id, subscriptionId, destination, { subscriber, ackMode }, filter);
  }

  unsubscribe(sessionId: string, subscriptionId: string): void {
    if (this.queueStore?.unsubscribe(sessionId, subscriptionId)) return;
    this.registry.remove(sessionId, subscriptionId);
  }

  /** To one consumer of a queue destination (pattern subscriptions never see queue messages), else to every subscription. */
  publish(message: BrokerMessage): number {
    if (this.queueStore?.claims(message.destination)) return this.queueStore.publish(message);
    const subscriptions = this.registry.match(message.destination);
    if (subscriptions.length === 0) return 0;
    const outbound = toOutboundMessage(message, true);
    for (const subscription of subscriptions) {
      subscription.data.subscriber.deliver(outbound, subscription.id, subscription.data.ackMode);
    }
    return subscriptions.length;
  }

  ack(sessionId: string, ackId: string, accepted: boolean): void {
    // Outside queues nothing is kept after delivery, so an ACK or NACK has nothing left to settle.
    this.queueStore?.ack(sessionId, ackId, accepted);
  }

  sessionClosed(sessionId: string): void {
    this.queueStore?.sessionClosed(sessionId);
    this.registry.removeSession(sessionId);
  }

  queues(): StompQueueView[] {
    return this.queueStore?.views() ?? [];
  }

  subscriptions(): BrokerSubscriptionView[] {
    return [...this.registry.all()]
      .map((s) => ({
        sessionId: s.sessionId,
        subscriptionId: s.id,
        destination: s.destination,
        ackMode: s.data.ackMode,
      }))
      .concat(this.queueStore?.subscriptions() ?? []);
  }

  close(): void {
    for (const s of [...this.registry.all()]) this.registry.removeSession(s.sessionId);
    this.queueStore?.close();
  }
}

/** Builds the shared part of a MESSAGE frame once, whatever the number of subscribers; `fanOut` as MessageFrameTemplate. */
export function toOutboundMessage(message: BrokerMessage, fanOut = false): OutboundMessage {
  const headers: StompHeaders = { destination: message.destination, ...message.headers };
  return { template: new MessageFrameTemplate(headers, message.body, fanOut), conflationKey: message.conflationKey };
}
