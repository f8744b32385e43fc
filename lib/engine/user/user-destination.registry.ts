import type { AckMode } from '../../interfaces/stomp-session.interface.js';

interface UserSubscription {
  id: string;
  destination: string;
  ackMode: AckMode;
}

/**
 * Subscriptions to user destinations (`/user/queue/x`), kept apart from the broker's on purpose:
 * a user message is delivered only to the sessions of its user, looked up by session, so no
 * pattern subscription such as `/queue/**` can ever see another user's messages.
 */
export class UserDestinationRegistry {
  private readonly bySession = new Map<string, UserSubscription[]>();

  add(sessionId: string, id: string, destination: string, ackMode: AckMode): void {
    let list = this.bySession.get(sessionId);
    if (!list) this.bySession.set(sessionId, (list = []));
    list.push({ id, destination, ackMode });
  }

  /** True when the session had that subscription. */
  remove(sessionId: string, id: string): boolean {
    const list = this.bySession.get(sessionId);
    const index = list?.findIndex((s) => s.id === id) ?? -1;
    if (index === -1) return false;
    list!.splice(index, 1);
    if (list!.length === 0) this.bySession.delete(sessionId);
    return true;
  }

  removeSession(sessionId: string): void {
    this.bySession.delete(sessionId);
  }

  /** The session's subscriptions to exactly this user destination. */
  *subscriptionsTo(sessionId: string, destination: string): IterableIterator<UserSubscription> {
    for (const subscription of this.bySession.get(sessionId) ?? []) {
      if (subscription.destination === destination) yield subscription;
    }
  }
}
