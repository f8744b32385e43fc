import { StompProtocolError } from '../../errors/protocol.error.js';
import type { StompFrame, StompHeaders } from '../../protocol/frame.model.js';
import type { DestinationMatcher } from '../destination.matcher.js';
import type {
  AckMode,
  BrokerMessage,
  BrokerSubscriber,
  BrokerSubscriptionView,
  DeliveryFilter,
  MessageBroker,
  UserMessage,
} from '../message-broker.interface.js';
import { toOutboundMessage } from '../simple.broker.js';
import { RelayDestinationMapper } from './destination.mapper.js';
import type { ResolvedRelayOptions } from './relay.options.js';
import { StompTcpClient } from './stomp-tcp.client.js';

interface LocalSubscription {
  subscriber: BrokerSubscriber;
  subscriptionId: string;
  ackMode: AckMode;
  filter: DeliveryFilter | undefined;
}

/** One broker-side subscription, shared by every local subscription to the same destination or pattern. */
interface SharedSubscription {
  brokerId: string;
  isPattern: boolean;
  readonly locals: Map<string, LocalSubscription>;
}

/** Every process subscribes here; user messages travel through it with the user in a header. */
const USER_MESSAGES_DESTINATION = '/topic/nestjs-stomp.user-messages';
const USER_MESSAGES_SUBSCRIPTION = 'user-messages';
const USER_HEADER = 'x-nestjs-stomp-user';
const USER_DESTINATION_HEADER = 'x-nestjs-stomp-user-destination';

/** Header carrying our own destination through the broker, so a receiving node need not reverse the mapping. */
const ORIGINAL_DESTINATION = 'x-nestjs-stomp-destination';
const BROKER_HOP_HEADERS: ReadonlySet<string> = new Set([
  'subscription', 'message-id', 'destination', 'redelivered', 'ack', 'content-length', ORIGINAL_DESTINATION,
  USER_HEADER, USER_DESTINATION_HEADER,
]);

/**
 * A relay to an external STOMP broker (RabbitMQ) for more than one process. Unlike Spring's relay
 * (one TCP connection per client), each process keeps one connection and one broker subscription
 * per distinct destination, and fans out to its own sessions: N browsers cost the broker nothing
 * more than one. Every publish goes through the broker, so all processes see it; sessions outlive
 * a broker restart (subscriptions are re-established on reconnection).
 */
export class StompBrokerRelay implements MessageBroker {
  private readonly client: StompTcpClient;
  private readonly mapper: RelayDestinationMapper;
  private readonly shared = new Map<string, SharedSubscription>();
  private readonly byBrokerId = new Map<string, string>();
  private readonly bySession = new Map<string, Map<string, string>>();
  private readonly receipts = new Map<string, () => void>();
  private nextId = 0;
  onUserMessage: ((message: UserMessage) => void) | undefined;
  private userMessagesReady: Promise<void> | void = undefined;

  constructor(
    options: ResolvedRelayOptions,
    private readonly matcher: DestinationMatcher,
    private readonly onAvailability: (available: boolean) => void = () => undefined,
  ) {
    this.mapper = new RelayDestinationMapper(matcher.separator);
    this.client = new StompTcpClient(options, {
      connected: () => this.resubscribeAll(),
      disconnected: () => {
        this.releaseReceipts();
        this.onAvailability(false);
      },
      frame: (frame) => this.receive(frame),
    });
  }

  get available(): boolean {
    return this.client.connected;
  }

  /** Waits for the first connection attempt, and the user-message subscription when it succeeds, so the app starts ready. */
  async start(): Promise<void> {
    await this.client.start();
    await this.userMessagesReady;
  }

  /** Resolves once the broker has confirmed a new broker-side subscription, so a RECEIPT to the client means "live". */
  subscribe(subscriber: BrokerSubscriber, subscriptionId: string, destination: string, ackMode: AckMode, filter?: DeliveryFilter): void | Promise<void> {
    let forSession = this.bySession.get(subscriber.id);
    if (!forSession) this.bySession.set(subscriber.id, (forSession = new Map()));
    forSession.set(subscriptionId, destination);
    const local = { subscriber, subscriptionId, ackMode, filter };
    const existing = this.shared.get(destination);
    if (existing) {
      existing.locals.set(localKey(subscriber.id, subscriptionId), local);
      return;
    }
    const shared: SharedSubscription = { brokerId: `s${++this.nextId}`, isPattern: this.matcher.isPattern(destination), locals: new Map() };
    shared.locals.set(localKey(subscriber.id, subscriptionId), local);
    this.shared.set(destination, shared);
    this.byBrokerId.set(shared.brokerId, destination);
    return this.subscribeAtBroker(destination, shared);
  }

  unsubscribe(sessionId: string, subscriptionId: string): void {
    const forSession = this.bySession.get(sessionId);
    const destination = forSession?.get(subscriptionId);
    if (destination === undefined) return;
    forSession!.delete(subscriptionId);
    if (forSession!.size === 0) this.bySession.delete(sessionId);
    this.release(destination, localKey(sessionId, subscriptionId));
  }

  publish(message: BrokerMessage): number {
    const headers: StompHeaders = { ...message.headers, [ORIGINAL_DESTINATION]: message.destination };
    if (!this.client.send('SEND', { destination: this.mapper.toBroker(message.destination), ...headers }, message.body)) {
      throw new StompProtocolError('BROKER_UNAVAILABLE', 'Broker not available');
    }
    // Deliveries happen when the broker hands the message back, on this process and every other.
    return 0;
  }

  /** To the user's sessions in every process, this one included (it gets the message back from the broker too). */
  publishUserMessage(message: UserMessage): void {
    const headers: StompHeaders = { ...message.headers, [USER_HEADER]: message.user, [USER_DESTINATION_HEADER]: message.destination };
    if (!this.client.send('SEND', { ...headers, destination: USER_MESSAGES_DESTINATION }, message.body)) {
      throw new StompProtocolError('BROKER_UNAVAILABLE', 'Broker not available');
    }
  }

  ack(): void {
    // Broker subscriptions are auto-acknowledged: one broker message may serve many local subscribers.
  }

  sessionClosed(sessionId: string): void {
    const forSession = this.bySession.get(sessionId);
    if (!forSession) return;
    this.bySession.delete(sessionId);
    for (const [subscriptionId, destination] of forSession) this.release(destination, localKey(sessionId, subscriptionId));
  }

  subscriptions(): BrokerSubscriptionView[] {
    const views: BrokerSubscriptionView[] = [];
    for (const [destination, shared] of this.shared) {
      for (const local of shared.locals.values()) {
        views.push({ sessionId: local.subscriber.id, subscriptionId: local.subscriptionId, destination, ackMode: local.ackMode });
      }
    }
    return views;
  }

  close(): void {
    this.releaseReceipts();
    this.shared.clear();
    this.byBrokerId.clear();
    this.bySession.clear();
    this.client.stop();
  }

  private release(destination: string, key: string): void {
    const shared = this.shared.get(destination);
    if (!shared?.locals.delete(key) || shared.locals.size > 0) return;
    this.shared.delete(destination);
    this.byBrokerId.delete(shared.brokerId);
    this.client.send('UNSUBSCRIBE', { id: shared.brokerId });
  }

  private subscribeAtBroker(destination: string, shared: SharedSubscription): Promise<void> | void {
    const brokerDestination = shared.isPattern ? this.mapper.toBrokerPattern(destination) : this.mapper.toBroker(destination);
    return this.brokerSubscription(shared.brokerId, brokerDestination);
  }

  /** Resolves on the broker's RECEIPT; at once when not connected (the subscription is made on (re)connection). */
  private brokerSubscription(id: string, brokerDestination: string): Promise<void> | void {
    const receipt = `${id}-${++this.nextId}`;
    if (!this.client.send('SUBSCRIBE', { id, destination: brokerDestination, ack: 'auto', receipt })) return;
    return new Promise((resolve) => this.receipts.set(receipt, resolve));
  }

  private resubscribeAll(): void {
    this.userMessagesReady = this.brokerSubscription(USER_MESSAGES_SUBSCRIPTION, USER_MESSAGES_DESTINATION);
    for (const [destination, shared] of this.shared) void this.subscribeAtBroker(destination, shared);
    this.onAvailability(true);
  }

  /** A lost connection answers no receipt: release whoever waits, the subscriptions come back on reconnection. */
  private releaseReceipts(): void {
    for (const resolve of this.receipts.values()) resolve();
    this.receipts.clear();
  }

  private receive(frame: StompFrame): void {
    if (frame.command === 'RECEIPT') {
      this.receipts.get(frame.headers['receipt-id'])?.();
      this.receipts.delete(frame.headers['receipt-id']);
      return;
    }
    if (frame.command !== 'MESSAGE') return;
    if (frame.headers.subscription === USER_MESSAGES_SUBSCRIPTION) return this.receiveUserMessage(frame);
    const key = this.byBrokerId.get(frame.headers.subscription);
    const shared = key === undefined ? undefined : this.shared.get(key);
    if (!shared) return;
    const destination = frame.headers[ORIGINAL_DESTINATION] ?? this.mapper.fromBroker(frame.headers.destination);
    // A broker pattern is broader than ours: check the real one here.
    if (shared.isPattern && this.matcher.match(key!, destination) === null) return;
    const outbound = toOutboundMessage({ destination, headers: withoutBrokerHeaders(frame.headers), body: frame.body });
    for (const local of shared.locals.values()) {
      if (local.filter === undefined || local.filter(destination)) local.subscriber.deliver(outbound, local.subscriptionId, local.ackMode);
    }
  }

  private receiveUserMessage(frame: StompFrame): void {
    const user = frame.headers[USER_HEADER];
    const destination = frame.headers[USER_DESTINATION_HEADER];
    if (user === undefined || destination === undefined) return;
    this.onUserMessage?.({ user, destination, headers: withoutBrokerHeaders(frame.headers), body: frame.body });
  }
}

function withoutBrokerHeaders(headers: StompHeaders): StompHeaders {
  const kept: StompHeaders = {};
  for (const name in headers) if (!BROKER_HOP_HEADERS.has(name)) kept[name] = headers[name];
  return kept;
}

function localKey(sessionId: string, subscriptionId: string): string {
  return `${sessionId}\u0000${subscriptionId}`;
}
