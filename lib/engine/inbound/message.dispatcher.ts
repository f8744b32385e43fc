import { StompProtocolError, clipForError as clip } from '../errors/protocol.error.js';
import type { StompFrame, StompHeaders } from '../../interfaces/stomp-frame.interface.js';
import type { AckMode } from '../../interfaces/stomp-session.interface.js';
import type { MessageBroker } from '../../interfaces/message-broker.interface.js';
import type { StompPrincipal } from '../../interfaces/stomp-principal.interface.js';
import type { SessionCloseReason } from '../../interfaces/stomp-session.interface.js';
import type { SessionRouter } from '../session/session.types.js';
import type { StompBrokerRegistry } from '../session/stomp.registry.js';
import type { StompSession } from '../session/stomp.session.js';
import type { ResolvedStompOptions } from '../../interfaces/resolved-stomp-options.interface.js';
import { UserDestinationRouter } from '../user/user-destination.router.js';
import { ConnectAuthenticator } from '../session/connect.authenticator.js';
import type { StompEvents } from '../events/stomp.events.js';
import type { DestinationAuthorizer } from '../security/destination.authorizer.js';
import { patternComplexity } from '../broker/destination.matcher.js';

/** Where SENDs and SUBSCRIBEs under the application prefix go (the @MessageMapping handlers). */
export interface ApplicationDestinationHandler {
  /** `destination` has the application prefix stripped (`/dap/hello` → `/hello`), as in Spring. */
  handleSend(session: StompSession, destination: string, frame: StompFrame): void | Promise<void>;
  handleSubscribe(session: StompSession, destination: string, subscriptionId: string, frame: StompFrame): void | Promise<void>;
}

/** Where the dispatcher reports what went wrong on the server side. */
export interface DispatcherLog {
  error(message: string): void;
}

/**
 * Never copied from a SEND onto a MESSAGE: headers of one hop of the protocol, and headers only the
 * server may set (who the user or session is, redelivery, receipts), which a publisher could forge.
 */
const HOP_HEADERS: ReadonlySet<string> = new Set([
  'destination', 'receipt', 'transaction', 'content-length', 'subscription', 'message-id', 'ack', 'id', 'login', 'passcode',
  'user-name', 'session', 'redelivered', 'receipt-id',
]);
/** Stream positions (`x-stream-offset`, `-epoch`, `-gap`, ...) are the server's to set. */
const SERVER_HEADER_PREFIX = 'x-stream-';

/**
 * The one place that routes by prefix: application destinations to the handlers, broker
 * destinations to the broker, anything else back to the client as an ERROR.
 */
export class MessageDispatcher implements SessionRouter {
  applicationHandler: ApplicationDestinationHandler | undefined;
  private readonly users: UserDestinationRouter;
  private readonly authenticator: ConnectAuthenticator;

  constructor(
    private readonly options: ResolvedStompOptions,
    private readonly broker: MessageBroker,
    private readonly registry: StompBrokerRegistry,
    private readonly events: StompEvents,
    private readonly authorizer: DestinationAuthorizer,
    private readonly log: DispatcherLog,
  ) {
    this.authenticator = new ConnectAuthenticator(options.authenticate, events);
    this.users = new UserDestinationRouter(options.userDestinationPrefix, registry);
    broker.onUserMessage = (message) => this.users.deliver(message.user, message.destination, message.headers, message.body);
  }

  authenticate(session: StompSession, frame: StompFrame): Promise<StompPrincipal | undefined> {
    return this.authenticator.authenticate(session, frame);
  }

  connected(session: StompSession): void {
    this.registry.add(session);
    this.events.emit({ type: 'connected', ...sessionFacts(session) });
  }

  send(session: StompSession, frame: StompFrame): void | Promise<void> {
    const check = this.authorizer.check('send', frame.headers.destination, session.principal);
    if (check) return check.then(() => this.routeSend(session, frame));
    return this.routeSend(session, frame);
  }

  subscribe(session: StompSession, subscriptionId: string, destination: string, ackMode: AckMode, frame: StompFrame): void | Promise<void> {
    const check = this.authorizer.check('subscribe', destination, session.principal);
    const subscribed = (): void | Promise<void> => {
      const routed = this.routeSubscribe(session, subscriptionId, destination, ackMode, frame);
      const announce = (): void => this.events.emit({ type: 'subscribe', ...sessionFacts(session), subscriptionId, destination });
      if (routed) return routed.then(announce);
      announce();
    };
    return check ? check.then(subscribed) : subscribed();
  }

  private routeSend(session: StompSession, frame: StompFrame): void | Promise<void> {
    const destination = frame.headers.destination;
    const appDestination = this.applicationDestination(destination);
    if (appDestination !== undefined) {
      if (!this.applicationHandler) throw noHandler(destination);
      return this.applicationHandler.handleSend(session, appDestination, frame);
    }
    if (this.users.claims(destination)) {
      throw new StompProtocolError('FORBIDDEN_DESTINATION', `Clients cannot send to user destinations ('${clip(destination)}')`);
    }
    this.requireBrokerDestination(destination);
    // A RECEIPT waits for a broker that confirms (the relay): never RECEIPT what the broker did not take.
    const published = this.broker.publish({ destination, headers: forwardedHeaders(frame.headers), body: frame.body, confirm: frame.headers.receipt !== undefined });
    if (published instanceof Promise) return published.then(() => undefined);
  }

  private routeSubscribe(session: StompSession, subscriptionId: string, destination: string, ackMode: AckMode, frame: StompFrame): void | Promise<void> {
    const appDestination = this.applicationDestination(destination);
    if (appDestination !== undefined) {
      if (!this.applicationHandler) throw noHandler(destination);
      return this.applicationHandler.handleSubscribe(session, appDestination, subscriptionId, frame);
    }
    if (this.users.claims(destination)) return this.users.subscribe(session.id, subscriptionId, destination, ackMode);
    this.requireBrokerDestination(destination);
    rejectClientRegex(destination);
    this.rejectComplexPattern(destination);
    const filter = this.authorizer.deliveryFilter(destination, session.principal);
    return this.broker.subscribe(session, subscriptionId, destination, ackMode, frame.headers.receipt !== undefined, filter);
  }

  /** Every publish tests every pattern subscription it could reach, so a client's patterns are bounded in size. */
  private rejectComplexPattern(destination: string): void {
    const { segments, wildcards } = patternComplexity(destination, this.options.pathSeparator);
    // No wildcard: an exact destination, compared with `===` however long it is.
    if (wildcards > 0 && (segments > this.options.maxPatternSegments || wildcards > this.options.maxPatternWildcards)) {
      throw new StompProtocolError(
        'PATTERN_TOO_COMPLEX',
        `Subscription pattern too complex ('${clip(destination)}'): at most ${this.options.maxPatternSegments} segments and ${this.options.maxPatternWildcards} wildcards per segment`,
      );
    }
  }

  unsubscribe(session: StompSession, subscriptionId: string): void | Promise<void> {
    this.events.emit({ type: 'unsubscribe', ...sessionFacts(session), subscriptionId });
    if (this.users.unsubscribe(session.id, subscriptionId)) return;
    return this.broker.unsubscribe(session.id, subscriptionId);
  }

  ack(session: StompSession, ackId: string, accepted: boolean): void | Promise<void> {
    return this.broker.ack(session.id, ackId, accepted);
  }

  closed(session: StompSession, reason: SessionCloseReason): void {
    this.users.sessionClosed(session.id);
    void this.broker.sessionClosed(session.id);
    this.registry.remove(session);
    this.events.emit({ type: 'disconnect', ...sessionFacts(session), reason });
  }

  /** Reports a refused frame on the sender's error destination; a sender not listening there gets an ERROR frame, so it never vanishes. */
  refused(session: StompSession, frame: StompFrame, error: StompProtocolError): void {
    const receipt = frame.headers.receipt;
    const body = JSON.stringify({ message: error.message, destination: frame.headers.destination, ...(receipt !== undefined && { receipt }) });
    const delivered = this.users.deliver(session.userName, this.options.errorDestination, { 'content-type': 'application/json' }, Buffer.from(body), session.id);
    if (delivered === 0) session.fail(new StompProtocolError(error.code, error.message, error.headers), 'protocol-error', receipt);
  }

  internalError(session: StompSession, error: unknown): void {
    const detail = error instanceof Error ? (error.stack ?? error.message) : String(error);
    this.log.error(`Session ${session.id} ended by an internal error: ${detail}`);
  }

  /** Publishes to the broker and counts nothing else; callers have checked the destination. */
  publish(destination: string, headers: StompHeaders, body: Buffer): number | Promise<number> {
    return this.broker.publish({ destination, headers, body });
  }

  /** To one user's sessions (all of them, or only `onlySessionId`), through the broker when it spans processes. */
  publishToUser(user: string, destination: string, headers: StompHeaders, body: Buffer, onlySessionId?: string): number {
    // A session lives in this process; a user may have sessions in every process the broker reaches.
    if (onlySessionId === undefined && this.broker.publishUserMessage) {
      this.broker.publishUserMessage({ user, destination, headers, body });
      return 0;
    }
    return this.users.deliver(user, destination, headers, body, onlySessionId);
  }

  /** A connected session by id. */
  session(sessionId: string): StompSession | undefined {
    return this.registry.session(sessionId);
  }

  /** True for destinations the broker owns: under a broker prefix, or (with none configured) anything that is not the app's or a user's. */
  isBrokerDestination(destination: string): boolean {
    const prefixes = this.options.brokerPrefixes;
    if (prefixes.length > 0) return prefixes.some((p) => destination.startsWith(p));
    return this.applicationDestination(destination) === undefined && !destination.startsWith(this.options.userDestinationPrefix);
  }

  requireBrokerDestination(destination: string): void {
    if (!this.isBrokerDestination(destination)) {
      throw new StompProtocolError('UNKNOWN_DESTINATION', `Unknown destination '${clip(destination)}'`);
    }
  }

  /** The destination without its application prefix (keeping the leading '/'), or undefined when it has none. */
  applicationDestination(destination: string): string | undefined {
    for (const prefix of this.options.appPrefixes) {
      if (destination.startsWith(prefix)) return destination.slice(prefix.length - 1);
    }
    return undefined;
  }
}

function sessionFacts(session: StompSession) {
  return { sessionId: session.id, user: session.userName, principal: session.principal, transport: session.connection.transport };
}

function forwardedHeaders(headers: StompHeaders): StompHeaders {
  const forwarded: StompHeaders = {};
  for (const name in headers) {
    if (!HOP_HEADERS.has(name) && !name.startsWith(SERVER_HEADER_PREFIX)) forwarded[name] = headers[name];
  }
  return forwarded;
}

/** Client-supplied `{name:regex}` parts would run a client's regex on every publish; plain `*`, `**`, `{name}` stay allowed. */
function rejectClientRegex(destination: string): void {
  if (/\{[^}]*:/.test(destination)) {
    throw new StompProtocolError('FORBIDDEN_DESTINATION', `Regular expressions are not allowed in subscription destinations ('${clip(destination)}')`);
  }
}

function noHandler(destination: string): StompProtocolError {
  return new StompProtocolError('UNKNOWN_DESTINATION', `No handler for destination '${clip(destination)}'`);
}
