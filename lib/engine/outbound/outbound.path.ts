import type { BrokerMessage, MessageBroker } from '../../interfaces/message-broker.interface.js';
import type { StompHeaders } from '../../interfaces/stomp-frame.interface.js';
import type { AckMode } from '../../interfaces/stomp-session.interface.js';
import { CLOSE_CODES } from '../options/stomp.defaults.js';
import type { SessionDirectory } from '../session/session.directory.js';
import type { StompSession } from '../session/stomp.session.js';
import type { UserDestinationRouter } from '../user/user-destination.router.js';
import type { DestinationStage, StageAttachment } from './destination.stage.js';
import { endWithError } from './error.frame.js';
import { ErrorPolicy } from './error.policy.js';

/**
 * The one way out: everything that sends a MESSAGE or an ERROR to a client comes through here
 * (client SENDs, the template, handler replies, error reports, shutdown). Broker destinations pass
 * their destination's stage, if one claims it, then the broker's fan-out; user destinations reach
 * only that user's sessions.
 */
export class OutboundPath {
  readonly errors: ErrorPolicy;
  private replies = 0;
  constructor(
    private readonly broker: MessageBroker,
    private readonly users: UserDestinationRouter,
    private readonly directory: SessionDirectory,
    errorDestination: string,
    private readonly stages: readonly DestinationStage[] = [],
  ) {
    this.errors = new ErrorPolicy(users, errorDestination);
  }

  /** To every subscriber of a broker destination (callers have checked it is one); the count where the broker knows it. */
  publish(message: BrokerMessage): number | Promise<number> {
    if (this.stages.length === 0) return this.broker.publish(message);
    return this.through(0, message);
  }

  /** Every stage that claims the destination, in order, then the broker. */
  private through(from: number, message: BrokerMessage): number | Promise<number> {
    for (let i = from; i < this.stages.length; i++) {
      if (this.stages[i].claims(message.destination)) return this.stages[i].publish(message, (next) => this.through(i + 1, next));
    }
    return this.broker.publish(message);
  }

  /** A new broker subscription, as the stages want it made (see DestinationStage.attach); undefined: the session itself, live. */
  attach(
    session: StompSession,
    subscriptionId: string,
    destination: string,
    ackMode: AckMode,
    headers: StompHeaders,
  ): StageAttachment | undefined {
    for (const stage of this.stages) {
      const attachment = stage.attach?.(session, subscriptionId, destination, ackMode, headers);
      if (attachment) return attachment;
    }
    return undefined;
  }

  /** To every session of `user` subscribed to `/user<destination>`, in every process the broker reaches. */
  toUser(user: string, destination: string, headers: StompHeaders, body: Buffer): number {
    // A user may have sessions in every process the broker reaches; each process delivers to its own.
    if (this.broker.publishUserMessage) {
      this.broker.publishUserMessage({ user, destination, headers, body });
      return 0;
    }
    return this.users.deliver(user, destination, headers, body);
  }

  /** To one session's subscriptions of `/user<destination>` (a session lives in this process). */
  toSession(sessionId: string, destination: string, headers: StompHeaders, body: Buffer): number {
    const session = this.directory.session(sessionId);
    if (!session) return 0;
    return this.users.deliver(session.userName, destination, headers, body, sessionId);
  }

  /** One MESSAGE on one subscription only (a `@SubscribeMapping` reply), never through the broker. */
  toSubscription(session: StompSession, subscriptionId: string, destination: string, headers: StompHeaders, body: Buffer): void {
    // The client may have unsubscribed while an asynchronous reply was on its way.
    if (!session.subscriptions.has(subscriptionId)) return;
    const messageId = `${session.id}-reply-${++this.replies}`;
    session.sendFrame('MESSAGE', { subscription: subscriptionId, 'message-id': messageId, destination, ...headers }, body);
  }

  /** Every connected session is told the server is going away; every transport closes. */
  shutdown(sessions: Iterable<StompSession>): void {
    for (const session of [...sessions]) {
      const closing = { closeCode: CLOSE_CODES.goingAway, closeText: 'Server shutting down' } as const;
      if (session.isConnected)
        endWithError(session, { code: 'SERVER_SHUTDOWN', message: 'Server shutting down', reason: 'shutdown', ...closing });
      else session.close('shutdown', closing.closeCode, closing.closeText);
    }
  }
}
