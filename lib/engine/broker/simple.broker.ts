import type { StompHeaders } from '../../interfaces/stomp-frame.interface.js';
import { MessageFrameTemplate } from '../protocol/frame.serializer.js';
import { DestinationMatcher } from './destination.matcher.js';
import { SubscriptionRegistry } from './subscription.registry.js';
import type { AckMode } from '../../interfaces/stomp-session.interface.js';
import type { BrokerMessage, BrokerSubscriber, BrokerSubscriptionView, DeliveryFilter, MessageBroker, OutboundMessage } from '../../interfaces/message-broker.interface.js';

interface SubscriberEntry {
  subscriber: BrokerSubscriber;
  ackMode: AckMode;
}

/**
 * The in-memory broker for one process (Spring's SimpleBrokerMessageHandler): pattern
 * subscriptions, one serialisation per published message, delivery in publish order.
 * Acknowledgements are accepted and not redelivered: there is no store to redeliver from.
 */
export class SimpleBroker implements MessageBroker {
  private readonly registry: SubscriptionRegistry<SubscriberEntry>;

  constructor(matcher: DestinationMatcher, cacheLimit: number, maxPatternSubscriptions?: number) {
    this.registry = new SubscriptionRegistry<SubscriberEntry>(matcher, cacheLimit, maxPatternSubscriptions);
  }

  subscribe(subscriber: BrokerSubscriber, subscriptionId: string, destination: string, ackMode: AckMode, _confirm?: boolean, filter?: DeliveryFilter): void {
    this.registry.add(subscriber.id, subscriptionId, destination, { subscriber, ackMode }, filter);
  }

  unsubscribe(sessionId: string, subscriptionId: string): void {
    this.registry.remove(sessionId, subscriptionId);
  }

  publish(message: BrokerMessage): number {
    const subscriptions = this.registry.match(message.destination);
    if (subscriptions.length === 0) return 0;
    const outbound = toOutboundMessage(message);
    for (const subscription of subscriptions) {
      subscription.data.subscriber.deliver(outbound, subscription.id, subscription.data.ackMode);
    }
    return subscriptions.length;
  }

  ack(): void {
    // Nothing is kept after delivery, so an ACK or NACK has nothing left to settle.
  }

  sessionClosed(sessionId: string): void {
    this.registry.removeSession(sessionId);
  }

  subscriptions(): BrokerSubscriptionView[] {
    return [...this.registry.all()].map((s) => ({
      sessionId: s.sessionId,
      subscriptionId: s.id,
      destination: s.destination,
      ackMode: s.data.ackMode,
    }));
  }

  close(): void {
    for (const s of [...this.registry.all()]) this.registry.removeSession(s.sessionId);
  }
}

/** Builds the shared part of a MESSAGE frame once, whatever the number of subscribers. */
export function toOutboundMessage(message: BrokerMessage): OutboundMessage {
  const headers: StompHeaders = { destination: message.destination, ...message.headers };
  return { template: new MessageFrameTemplate(headers, message.body) };
}
