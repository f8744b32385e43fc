import { StompProtocolError } from '../errors/protocol.error.js';
import type { AckMode } from '../../interfaces/stomp-session.interface.js';
import { toOutboundMessage } from '../broker/simple.broker.js';
import type { StompHeaders } from '../../interfaces/stomp-frame.interface.js';
import type { SessionDirectory } from '../session/session.directory.js';
import { UserDestinationRegistry } from './user-destination.registry.js';
import type { UserMessage, UserMessageSink } from '../../interfaces/message-broker.interface.js';
import { CLIENT_MESSAGES } from '../stomp.messages.js';

/**
 * User destinations (`/user/queue/x`) in this process: who subscribed to what, and delivery to one
 * user's sessions only. Kept apart from the broker, so no broker subscription ever sees them.
 */
export class UserDestinationRouter implements UserMessageSink {
  private readonly subscriptions = new UserDestinationRegistry();

  constructor(
    /** With its trailing slash, e.g. `/user/`. */
    private readonly prefix: string,
    private readonly sessions: SessionDirectory,
  ) {}

  /** `/queue/x` → `/user/queue/x`. */
  userDestination(destination: string): string {
    return this.prefix + (destination.startsWith('/') ? destination.slice(1) : destination);
  }

  /** Only exact destinations: a pattern under `/user/` would have nothing to resolve against. */
  subscribe(sessionId: string, subscriptionId: string, destination: string, ackMode: AckMode): void {
    const rest = destination.slice(this.prefix.length - 1);
    if (/[*?{]/.test(rest) || rest.length < 2) {
      throw new StompProtocolError('FORBIDDEN_DESTINATION', CLIENT_MESSAGES.invalidUserDestination(destination));
    }
    this.subscriptions.add(sessionId, subscriptionId, destination, ackMode);
  }

  /** True when it was a user subscription of that session. */
  unsubscribe(sessionId: string, subscriptionId: string): boolean {
    return this.subscriptions.remove(sessionId, subscriptionId);
  }

  sessionClosed(sessionId: string): void {
    this.subscriptions.removeSession(sessionId);
  }

  /**
   * Delivers to the sessions of `user` here (all, or only `onlySessionId`) subscribed to `<prefix><destination>`;
   * the MESSAGE shows that user destination, as in Spring. Returns the number of deliveries.
   */
  deliver(user: string, destination: string, headers: StompHeaders, body: Buffer, onlySessionId?: string): number {
    const userDestination = this.userDestination(destination);
    const message = toOutboundMessage({ destination: userDestination, headers, body });
    let deliveries = 0;
    for (const session of this.sessions.sessionsOf(user)) {
      if (onlySessionId !== undefined && session.id !== onlySessionId) continue;
      for (const subscription of this.subscriptions.subscriptionsTo(session.id, userDestination)) {
        session.deliver(message, subscription.id, subscription.ackMode);
        deliveries++;
      }
    }
    return deliveries;
  }

  /** A user message another process published through the broker (UserMessageSink). */
  deliverUserMessage(message: UserMessage): void {
    this.deliver(message.user, message.destination, message.headers, message.body);
  }
}
