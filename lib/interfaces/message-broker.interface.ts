import type { AckMode } from './stomp-session.interface.js';
import type { StompHeaders, StompVersion } from './stomp-frame.interface.js';
import type { StompQueueView } from './stomp-queue.interface.js';

/** One MESSAGE serialised once for all its subscribers, rendered per subscription (the serializer's template). */
export interface MessageFrames {
  /** The message travels as a binary WebSocket message (its body is not UTF-8, or not text). */
  readonly binary: boolean;
  render(subscriptionId: string, messageId: string, version: StompVersion, ack?: string): Buffer;
  /** For text-only transports (SockJS): a body that is not UTF-8 is replaced, with a matching content-length. */
  renderText(subscriptionId: string, messageId: string, version: StompVersion, ack?: string): Buffer;
  /**
   * The hot path of both: `prefix` is the subscription's encoded frame start (the serializer's messagePrefix),
   * `messageId` ASCII with nothing to escape; `withAck` repeats the id as the ack header; `textOnly` renders as renderText.
   */
  renderPrefixed(prefix: Buffer, messageId: string, version: StompVersion, withAck: boolean, textOnly: boolean): Buffer;
  /** A broker's broadcast: deliveries without an ack header share one frame per subscription id (renderShared). */
  readonly fanOut: boolean;
  /** The one message-id of the shared frames, unique across the server. */
  readonly fanOutMessageId: string;
  /** The frame shared by every delivery of this message to `subscriptionId` in `version` without an ack header. */
  renderShared(subscriptionId: string, version: StompVersion, textOnly: boolean): Buffer;
}

/** A message on its way to subscribers. */
export interface BrokerMessage {
  destination: string;
  /** `content-type` and the sender's custom headers; never `subscription`, `message-id` or `destination`. */
  headers: StompHeaders;
  body: Buffer;
  /** The sender asked for a RECEIPT: a broker that crosses a network resolves only once it has accepted the message. */
  confirm?: boolean;
  /**
   * Set by the conflation stage: while a subscriber is behind, a waiting message with the same key (per
   * subscription) is replaced by this one instead of queueing behind it.
   */
  conflationKey?: string;
}

/** A message for one user's sessions, wherever they are connected. */
export interface UserMessage {
  user: string;
  /** Without the user prefix: `/queue/messages`. */
  destination: string;
  headers: StompHeaders;
  body: Buffer;
}

/** A MESSAGE serialised once for all its subscribers; the template also knows whether it travels as binary. */
export interface OutboundMessage {
  readonly template: MessageFrames;
  /** See BrokerMessage.conflationKey. */
  readonly conflationKey?: string;
}

/** A session as the broker sees it: something that takes MESSAGE frames. */
export interface BrokerSubscriber {
  readonly id: string;
  /** Returns the `message-id` the MESSAGE was sent with (what an ACK names), nothing when it was not sent. */
  deliver(message: OutboundMessage, subscriptionId: string, ackMode: AckMode): string | void;
}

/**
 * Whether a pattern subscription may receive a message published to `destination` (the
 * authorization rules, checked per destination it reaches); false drops that delivery.
 */
export type DeliveryFilter = (destination: string) => boolean;

/** What the broker holds for one subscription. */
export interface BrokerSubscriptionView {
  sessionId: string;
  subscriptionId: string;
  destination: string;
  ackMode: AckMode;
}

/**
 * The broker contract: the in-memory broker implements it, and so will the relay to an external
 * STOMP broker. Methods may return a Promise where the work crosses a network.
 */
export interface MessageBroker {
  /** Starts whatever runs in the background (the relay's connection); the app's bootstrap waits for it. */
  start?(): void | Promise<void>;
  /**
   * `confirm`: the client asked for a RECEIPT, so resolve only once the subscription is live, even across a broker outage.
   * `filter`, given for pattern subscriptions only, is asked once per destination the pattern reaches (the verdict is cached).
   * `headers`: the SUBSCRIBE frame's, for per-subscription settings such as `prefetch-count`.
   */
  subscribe(
    subscriber: BrokerSubscriber,
    subscriptionId: string,
    destination: string,
    ackMode: AckMode,
    confirm?: boolean,
    filter?: DeliveryFilter,
    headers?: Readonly<StompHeaders>,
  ): void | Promise<void>;
  unsubscribe(sessionId: string, subscriptionId: string): void | Promise<void>;
  /** Delivers to every matching subscription; returns how many deliveries were made where known. */
  publish(message: BrokerMessage): number | Promise<number>;
  /** Acknowledges (or, with `accepted` false, rejects) a message delivered to a client-ack subscription. */
  ack(sessionId: string, ackId: string, accepted: boolean): void | Promise<void>;
  sessionClosed(sessionId: string): void | Promise<void>;
  subscriptions(): BrokerSubscriptionView[];
  /** The point-to-point queues the broker holds (the in-memory broker with the `queues` option). */
  queues?(): StompQueueView[];
  close(): void | Promise<void>;
  /**
   * Brokers that span processes carry user messages to the processes where the user has a session
   * (Spring cannot: its user registry is per node); each process hands what arrives to the
   * UserMessageSink it was built with.
   */
  publishUserMessage?(message: UserMessage): void;
  /** A user's first session on this node connected: a broker that routes user messages by interest starts routing them here. */
  userArrived?(user: string): void;
  /** The user's last session on this node left. */
  userLeft?(user: string): void;
  /** Settles once user messages published on any node reach this one for the user (a binding confirmed); nothing when they already do. */
  userRouted?(user: string): Promise<void> | void;
}

/** Where a broker that spans processes hands the user messages it receives. */
export interface UserMessageSink {
  deliverUserMessage(message: UserMessage): void;
}
