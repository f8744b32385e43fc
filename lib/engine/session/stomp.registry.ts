import type { BrokerSubscriptionView, MessageBroker } from '../../interfaces/message-broker.interface.js';
import type { ResolvedStompOptions } from '../../interfaces/resolved-stomp-options.interface.js';
import type { StompSessionView, TransportName } from '../../interfaces/stomp-session.interface.js';
import type { StompQueueView } from '../../interfaces/stomp-queue.interface.js';
import { StompCounters } from './stomp.counters.js';
import type { SessionDirectory } from './session.directory.js';
import type { StompSession } from './stomp.session.js';

/**
 * Injectable view of the running STOMP server: its effective configuration, live sessions,
 * subscriptions and counters (Spring's WebSocketMessageBrokerStats, as data you can query).
 */
export class StompBrokerRegistry {
  readonly counters = new StompCounters();

  constructor(
    /** The options in force after defaults (the `authenticate` hook included). */
    readonly options: ResolvedStompOptions,
    private readonly directory: SessionDirectory,
    private readonly broker: MessageBroker,
  ) {}

  /** A live connected session by id. */
  session(id: string): StompSession | undefined {
    return this.directory.session(id);
  }

  /** Live connected sessions of one user (empty when none). */
  sessionsOf(user: string): ReadonlySet<StompSession> {
    return this.directory.sessionsOf(user);
  }

  get sessionCount(): number {
    return this.directory.size;
  }

  /** Names of the users with at least one connected session. */
  users(): string[] {
    return [...this.directory.users()];
  }

  /** Live sessions as plain data. */
  sessionViews(): StompSessionView[] {
    return [...this.directory.all()].map((s) => ({
      id: s.id,
      user: s.userName,
      transport: s.connection.transport,
      version: s.version,
      droppedMessages: s.connection.droppedMessages,
      conflatedMessages: s.connection.conflatedMessages,
      inboundFrames: s.inbound.length,
      inboundBytes: s.inbound.bytes,
      subscriptions: [...s.subscriptions.values()].map(({ id, destination, ackMode }) => ({ id, destination, ackMode })),
    }));
  }

  /** Live sessions counted by transport. */
  sessionsByTransport(): Partial<Record<TransportName, number>> {
    const counts: Partial<Record<TransportName, number>> = {};
    for (const s of this.directory.all()) counts[s.connection.transport] = (counts[s.connection.transport] ?? 0) + 1;
    return counts;
  }

  /** Every subscription the broker holds. */
  subscriptions(): BrokerSubscriptionView[] {
    return this.broker.subscriptions();
  }

  /** Point-to-point queues (the `queues` option): depth, unacknowledged, redeliveries, refusals. Empty without queues or with the relay. */
  queues(): StompQueueView[] {
    return this.broker.queues?.() ?? [];
  }

  /** Every live session. */
  all(): IterableIterator<StompSession> {
    return this.directory.all();
  }
}
