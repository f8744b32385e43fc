import type { BrokerSubscriptionView, MessageBroker } from '../../interfaces/message-broker.interface.js';
import type { ResolvedStompOptions } from '../../interfaces/resolved-stomp-options.interface.js';
import type { StompSessionView, TransportName } from '../../interfaces/stomp-session.interface.js';
import { StompCounters } from './stomp.counters.js';
import type { StompSession } from './stomp.session.js';

const EMPTY: ReadonlySet<StompSession> = new Set();

/**
 * Injectable view of the running STOMP server: its effective configuration, live sessions,
 * subscriptions and counters (Spring's WebSocketMessageBrokerStats, as data you can query).
 */
export class StompBrokerRegistry {
  readonly counters = new StompCounters();
  private readonly sessions = new Map<string, StompSession>();
  /** A user's one session as itself, a Set only from the second on: most users (and every anonymous session) have one. */
  private readonly sessionsByUser = new Map<string, StompSession | Set<StompSession>>();

  constructor(
    /** The options in force after defaults (the `authenticate` hook included). */
    readonly options: ResolvedStompOptions,
    private readonly broker: MessageBroker,
  ) {}

  /** Registers a session once it is connected. */
  add(session: StompSession): void {
    this.sessions.set(session.id, session);
    const user = session.userName;
    const existing = this.sessionsByUser.get(user);
    if (existing === undefined) this.sessionsByUser.set(user, session);
    else if (existing instanceof Set) existing.add(session);
    else this.sessionsByUser.set(user, new Set([existing, session]));
  }

  remove(session: StompSession): void {
    if (!this.sessions.delete(session.id)) return;
    const user = session.userName;
    const existing = this.sessionsByUser.get(user);
    if (existing === session) this.sessionsByUser.delete(user);
    else if (existing instanceof Set) {
      existing.delete(session);
      if (existing.size === 0) this.sessionsByUser.delete(user);
    }
  }

  /** A live connected session by id. */
  session(id: string): StompSession | undefined {
    return this.sessions.get(id);
  }

  /** Live connected sessions of one user (empty when none). */
  sessionsOf(user: string): ReadonlySet<StompSession> {
    const found = this.sessionsByUser.get(user);
    if (found === undefined) return EMPTY;
    return found instanceof Set ? found : new Set([found]);
  }

  get sessionCount(): number {
    return this.sessions.size;
  }

  /** Names of the users with at least one connected session. */
  users(): string[] {
    return [...this.sessionsByUser.keys()];
  }

  /** Live sessions as plain data. */
  sessionViews(): StompSessionView[] {
    return [...this.sessions.values()].map((s) => ({
      id: s.id,
      user: s.userName,
      transport: s.connection.transport,
      version: s.version,
      droppedMessages: s.connection.droppedMessages,
      inboundFrames: s.inbound.length,
      inboundBytes: s.inbound.bytes,
      subscriptions: [...s.subscriptions.values()].map(({ id, destination, ackMode }) => ({ id, destination, ackMode })),
    }));
  }

  /** Live sessions counted by transport. */
  sessionsByTransport(): Partial<Record<TransportName, number>> {
    const counts: Partial<Record<TransportName, number>> = {};
    for (const s of this.sessions.values()) counts[s.connection.transport] = (counts[s.connection.transport] ?? 0) + 1;
    return counts;
  }

  /** Every subscription the broker holds. */
  subscriptions(): BrokerSubscriptionView[] {
    return this.broker.subscriptions();
  }

  /** Every live session, for shutdown. */
  all(): IterableIterator<StompSession> {
    return this.sessions.values();
  }
}
