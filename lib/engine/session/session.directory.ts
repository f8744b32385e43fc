import type { StompSession } from './stomp.session.js';

const EMPTY: ReadonlySet<StompSession> = new Set();

/** Told when a user's first session here connects and when the last one leaves (the relay routes user messages by it). */
export interface UserPresence {
  userArrived(user: string): void;
  userLeft(user: string): void;
}

/** Connected sessions by id and by user: who is here, for user destinations and the registry's views. */
export class SessionDirectory {
  private readonly sessions = new Map<string, StompSession>();
  /** A user's one session as itself, a Set only from the second on: most users (and every anonymous session) have one. */
  private readonly sessionsByUser = new Map<string, StompSession | Set<StompSession>>();

  constructor(private readonly presence?: UserPresence) {}

  /** Registers a session once it is connected. */
  add(session: StompSession): void {
    this.sessions.set(session.id, session);
    const user = session.userName;
    const existing = this.sessionsByUser.get(user);
    if (existing === undefined) {
      this.sessionsByUser.set(user, session);
      this.presence?.userArrived(user);
    } else if (existing instanceof Set) existing.add(session);
    else this.sessionsByUser.set(user, new Set([existing, session]));
  }

  remove(session: StompSession): void {
    if (!this.sessions.delete(session.id)) return;
    const user = session.userName;
    const existing = this.sessionsByUser.get(user);
    if (existing === session) this.userGone(user);
    else if (existing instanceof Set) {
      existing.delete(session);
      if (existing.size === 0) this.userGone(user);
    }
  }

  private userGone(user: string): void {
    this.sessionsByUser.delete(user);
    this.presence?.userLeft(user);
  }

  session(id: string): StompSession | undefined {
    return this.sessions.get(id);
  }

  /** Connected sessions of one user (empty when none). */
  sessionsOf(user: string): ReadonlySet<StompSession> {
    const found = this.sessionsByUser.get(user);
    if (found === undefined) return EMPTY;
    return found instanceof Set ? found : new Set([found]);
  }

  get size(): number {
    return this.sessions.size;
  }

  users(): IterableIterator<string> {
    return this.sessionsByUser.keys();
  }

  all(): IterableIterator<StompSession> {
    return this.sessions.values();
  }
}
