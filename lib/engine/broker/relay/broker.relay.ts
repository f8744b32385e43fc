import { StompProtocolError, clipForError } from '../../errors/protocol.error.js';
import type { StompFrame, StompHeaders } from '../../../interfaces/stomp-frame.interface.js';
import type { DestinationMatcher } from '../destination.matcher.js';
import type { AckMode } from '../../../interfaces/stomp-session.interface.js';
import type {
  BrokerMessage,
  BrokerSubscriber,
  BrokerSubscriptionView,
  DeliveryFilter,
  MessageBroker,
  UserMessage,
  UserMessageSink,
} from '../../../interfaces/message-broker.interface.js';
import { toOutboundMessage } from '../simple.broker.js';
import { RelayDestinationMapper } from './destination.mapper.js';
import { relayedHeaders } from './relay-headers.validator.js';
import { ORIGINAL_DESTINATION, USER_DESTINATION_HEADER, USER_HEADER, withoutBrokerHeaders } from './relay.headers.js';
import type { ResolvedRelayOptions } from '../../../interfaces/stomp-relay-options.interface.js';
import { brokerUnavailable, RelayReceipts } from './relay.receipts.js';
import { pending, type Pending, type RelayRoutes } from './relay.consumers.js';
import { RelayQueues } from './relay.queues.js';
import { RelayStreams } from './relay.streams.js';
import { StompTcpClient } from './stomp-tcp.client.js';
import { RelayUserRoutes, userRouteDestination } from './relay.user-routes.js';
import { CLIENT_MESSAGES } from '../../stomp.messages.js';

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
  /** Settles when the broker confirms the subscription (again, after a reconnection); undefined while it stands. */
  pending: Pending | undefined;
}

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
  private readonly receipts = new RelayReceipts();
  private readonly userRoutes: RelayUserRoutes;
  private readonly workQueues: RelayQueues;
  private readonly streams: RelayStreams;
  private nextId = 0;
  private ackWarned = false;

  constructor(
    options: ResolvedRelayOptions,
    private readonly matcher: DestinationMatcher,
    private readonly userMessages: UserMessageSink,
    private readonly onAvailability: (available: boolean) => void = () => undefined,
    private readonly warn: (message: string) => void = () => undefined,
    routes: RelayRoutes = { queues: [], history: [], historyBytesLimit: 0 },
  ) {
    this.mapper = new RelayDestinationMapper(matcher.separator);
    this.client = new StompTcpClient(options, {
      connected: () => this.resubscribeAll(),
      disconnected: () => {
        this.receipts.dropped();
        for (const shared of this.shared.values()) shared.pending ??= pending();
        this.workQueues.consumers.disconnected();
        this.onAvailability(false);
      },
      frame: (frame) => this.receive(frame),
    });
    this.userRoutes = new RelayUserRoutes(this.client, this.receipts);
    const { client, receipts, mapper } = this;
    this.workQueues = new RelayQueues(client, receipts, matcher, mapper, routes.queues, options.queueExpiresMs);
    this.streams = new RelayStreams(options, client, matcher, mapper, routes.history, routes.historyBytesLimit);
  }

  get available(): boolean {
    return this.client.connected;
  }

  /** Waits for the first connection attempt, so the app starts ready. */
  async start(): Promise<void> {
    await Promise.all([this.client.start(), this.streams.start()]);
  }

  /**
   * Resolves once the broker has confirmed the broker-side subscription, so a RECEIPT to the client
   * means "live". While the broker is away, only a client that asked for a RECEIPT waits (`confirm`):
   * the others are subscribed on reconnection without holding their session's next frames.
   */
  subscribe(
    subscriber: BrokerSubscriber,
    subscriptionId: string,
    destination: string,
    ackMode: AckMode,
    confirm = false,
    filter?: DeliveryFilter,
    headers?: Readonly<StompHeaders>,
  ): void | Promise<void> {
    this.refuseReserved(destination);
    const request = { subscriber, subscriptionId, destination, ackMode, confirm, headers };
    if (this.workQueues.claims(destination)) return this.workQueues.subscribe(request);
    if (this.streams.claims(destination)) return this.streams.subscribe(request);
    if (ackMode !== 'auto' && !this.ackWarned) {
      // Once per process: code written for Spring's relay (whose /queue/ are RabbitMQ queues) would otherwise never learn it.
      this.ackWarned = true;
      this.warn(
        `Broker relay: '${clipForError(destination)}' subscribed with ack:${ackMode}, but it is not one of the 'queues': topic ` +
          'subscriptions are shared per destination and auto-acknowledged, so ACK/NACK settle nothing (no competing consumers, no redelivery)',
      );
    }
    let forSession = this.bySession.get(subscriber.id);
    if (!forSession) this.bySession.set(subscriber.id, (forSession = new Map()));
    forSession.set(subscriptionId, destination);
    const local = { subscriber, subscriptionId, ackMode, filter };
    let shared = this.shared.get(destination);
    if (!shared) {
      const isPattern = this.matcher.isPattern(destination);
      shared = { brokerId: `s${++this.nextId}`, isPattern, locals: new Map(), pending: pending() };
      this.shared.set(destination, shared);
      this.byBrokerId.set(shared.brokerId, destination);
      this.subscribeAtBroker(destination, shared);
    }
    shared.locals.set(localKey(subscriber.id, subscriptionId), local);
    if (shared.pending && (confirm || this.client.connected)) return shared.pending.promise;
  }

  unsubscribe(sessionId: string, subscriptionId: string): void {
    if (this.workQueues.consumers.remove(sessionId, subscriptionId) || this.streams.consumers.remove(sessionId, subscriptionId)) return;
    const forSession = this.bySession.get(sessionId);
    const destination = forSession?.get(subscriptionId);
    if (destination === undefined) return;
    forSession!.delete(subscriptionId);
    if (forSession!.size === 0) this.bySession.delete(sessionId);
    this.release(destination, localKey(sessionId, subscriptionId));
  }

  /** With `confirm`, resolves only on the broker's RECEIPT, and rejects when the broker refuses the message or goes away first. */
  publish(message: BrokerMessage): number | Promise<number> {
    this.refuseReserved(message.destination);
    const ready = this.streams.claims(message.destination) ? this.streams.ready(message.destination) : undefined;
    // Later messages to the destination chain on the same promise, so they keep their order.
    if (ready) return ready.then(() => this.publish(message));
    let headers: StompHeaders = {
      destination: this.mapper.toBroker(message.destination),
      ...relayedHeaders(message.headers),
      [ORIGINAL_DESTINATION]: message.destination,
    };
    if (this.workQueues.claims(message.destination)) headers = this.workQueues.sendHeaders(message.destination, headers);
    // Deliveries happen when the broker hands the message back, on this process and every other.
    if (!message.confirm) return (this.sendOrThrow(headers, message.body), 0);
    const { receipt, confirmed } = this.receipts.confirmation();
    try {
      this.sendOrThrow({ ...headers, receipt }, message.body);
    } catch (error) {
      this.receipts.forget(receipt);
      throw error;
    }
    return confirmed.then(() => 0);
  }

  /**
   * To the user's sessions on the nodes where the user has one, this one included (it gets the
   * message back from the broker too); RabbitMQ drops it when the user is connected nowhere.
   */
  publishUserMessage(message: UserMessage): void {
    const headers = { ...relayedHeaders(message.headers), [USER_HEADER]: message.user, [USER_DESTINATION_HEADER]: message.destination };
    this.sendOrThrow({ ...headers, destination: userRouteDestination(message.user) }, message.body);
  }

  /** The user's first session on this node connected: route the user's messages here. */
  userArrived(user: string): void {
    this.userRoutes.arrived(user);
  }

  /** The user's last session on this node left. */
  userLeft(user: string): void {
    this.userRoutes.left(user);
  }

  userRouted(user: string): Promise<void> | undefined {
    return this.userRoutes.bound(user);
  }

  /** Settles a queue delivery at RabbitMQ; elsewhere broker subscriptions are auto-acknowledged (one message serves many subscribers). */
  ack(sessionId: string, ackId: string, accepted: boolean): void {
    this.workQueues.consumers.settle(sessionId, ackId, accepted);
  }

  sessionClosed(sessionId: string): void {
    this.workQueues.consumers.sessionClosed(sessionId);
    this.streams.consumers.sessionClosed(sessionId);
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
    return views.concat(this.workQueues.consumers.views(), this.streams.consumers.views());
  }

  close(): void {
    this.receipts.dropped();
    this.workQueues.consumers.clear();
    this.streams.close();
    this.shared.clear();
    this.byBrokerId.clear();
    this.bySession.clear();
    this.userRoutes.clear();
    this.client.stop();
  }

  private release(destination: string, key: string): void {
    const shared = this.shared.get(destination);
    if (!shared?.locals.delete(key) || shared.locals.size > 0) return;
    this.shared.delete(destination);
    this.byBrokerId.delete(shared.brokerId);
    this.client.send('UNSUBSCRIBE', { id: shared.brokerId });
  }

  private sendOrThrow(headers: StompHeaders, body: Buffer): void {
    if (!this.client.send('SEND', headers, body)) throw brokerUnavailable();
  }

  /** Old nodes carried user messages on `/topic/nestjs-stomp.*`: a client must not reach that namespace either. */
  private refuseReserved(destination: string): void {
    if (this.mapper.isReserved(destination)) {
      throw new StompProtocolError('FORBIDDEN_DESTINATION', CLIENT_MESSAGES.reservedForRelay(destination));
    }
  }

  /** Sent now when connected, else on (re)connection by resubscribeAll; the broker's answer settles `shared.pending`. */
  private subscribeAtBroker(destination: string, shared: SharedSubscription): void {
    if (!this.client.connected) return;
    const brokerDestination = shared.isPattern ? this.mapper.toBrokerPattern(destination) : this.mapper.toBroker(destination);
    const settle = (error?: StompProtocolError): void => {
      const waiting = shared.pending;
      shared.pending = undefined;
      waiting?.settle(error);
    };
    const receipt = this.receipts.expect(settle, true);
    if (!this.client.send('SUBSCRIBE', { id: shared.brokerId, destination: brokerDestination, ack: 'auto', receipt }))
      this.receipts.forget(receipt);
  }

  private resubscribeAll(): void {
    this.userRoutes.bindAll();
    for (const [destination, shared] of this.shared) this.subscribeAtBroker(destination, shared);
    this.workQueues.consumers.reconnected();
    this.onAvailability(true);
  }

  private receive(frame: StompFrame): void {
    if (frame.command === 'RECEIPT') return this.receipts.received(frame.headers['receipt-id']);
    // An ERROR names no frame; RabbitMQ keeps the connection after most (and closes it after the rest).
    if (frame.command === 'ERROR') return this.receipts.refused();
    if (frame.command !== 'MESSAGE' || this.workQueues.consumers.receive(frame)) return;
    if (this.userRoutes.receive(frame, this.userMessages)) return;
    const key = this.byBrokerId.get(frame.headers.subscription);
    const shared = key === undefined ? undefined : this.shared.get(key);
    // A user message on a client subscription can only come from an older node's topic: never fan it out.
    if (!shared || frame.headers[USER_HEADER] !== undefined) return;
    const destination = frame.headers[ORIGINAL_DESTINATION] ?? this.mapper.fromBroker(frame.headers.destination);
    // A broker pattern is broader than ours: check the real one here.
    if (shared.isPattern && this.matcher.match(key!, destination) === null) return;
    const outbound = toOutboundMessage({ destination, headers: withoutBrokerHeaders(frame.headers), body: frame.body }, true);
    for (const local of shared.locals.values()) {
      if (local.filter === undefined || local.filter(destination)) local.subscriber.deliver(outbound, local.subscriptionId, local.ackMode);
    }
  }
}

function localKey(sessionId: string, subscriptionId: string): string {
  return `${sessionId}\u0000${subscriptionId}`;
}
