import type { BrokerSubscriptionView, MessageBroker } from '../../interfaces/message-broker.interface.js';
import type { ResolvedStompOptions } from '../../interfaces/resolved-stomp-options.interface.js';
import type { StompSessionView, TransportName } from '../../interfaces/stomp-session.interface.js';
import type { StompHistoryTotals, StompQueueTotals, StompQueueView } from '../../interfaces/stomp-queue.interface.js';
import type { CompiledPattern, DestinationMatcher } from '../broker/destination.matcher.js';
import type { HistoryStore } from '../outbound/history/history.store.js';
import { StompCounters } from './stomp.counters.js';
import { HistogramCounts, SEND_BACKLOG_BUCKETS } from './histogram.counts.js';
import type { SessionDirectory } from './session.directory.js';
import type { StompSession } from './stomp.session.js';

/**
 * Injectable view of the running STOMP server: its effective configuration, live sessions,
 * subscriptions and counters (Spring's WebSocketMessageBrokerStats, as data you can query).
 */
export class StompBrokerRegistry {
  readonly counters = new StompCounters();
  /**
   * Bytes waiting for each client (send queue and socket) when its writes of one tick went out: one
   * observation per session per flush, and none at all (not even the object) with metrics off.
   */
  readonly sendBacklog: HistogramCounts | undefined;

  constructor(
    /** The options in force after defaults (the `authenticate` hook included). */
    readonly options: ResolvedStompOptions,
    private readonly directory: SessionDirectory,
    private readonly broker: MessageBroker,
    private readonly matcher?: DestinationMatcher,
    /** The kept messages, when the `history` option names any rule. */
    private readonly history?: HistoryStore,
  ) {
    this.sendBacklog = options.metrics.enabled ? new HistogramCounts(SEND_BACKLOG_BUCKETS) : undefined;
  }

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

  /** Queues summed by the `queues` pattern that claims them (the first that matches), one entry per pattern. */
  queueTotals(): StompQueueTotals[] {
    const patterns = (this.queuePatterns ??= this.options.queues.map((p) => this.matcher!.compile(p)));
    const totals = this.options.queues.map((pattern) => ({ pattern, queues: 0, depth: 0, unacked: 0, bytes: 0 }));
    for (const queue of this.queues()) {
      const into = totals[patterns.findIndex((p) => p.test(queue.destination))];
      if (!into) continue;
      into.queues++;
      into.depth += queue.depth;
      into.unacked += queue.unacked;
      into.bytes += queue.bytes;
    }
    return totals;
  }

  private queuePatterns: CompiledPattern[] | undefined;

  /** What the history keeps, by rule (one entry per `history` rule, in their order). */
  historyTotals(): StompHistoryTotals[] {
    const kept = this.history?.keptByBounds();
    return this.options.history.map((rule) => ({ pattern: rule.destination, destinations: 0, messages: 0, bytes: 0, ...kept?.get(rule) }));
  }

  /** Every live session. */
  all(): IterableIterator<StompSession> {
    return this.directory.all();
  }
}
