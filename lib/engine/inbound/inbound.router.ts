import { StompProtocolError } from '../errors/protocol.error.js';
import type { StompFrame } from '../../interfaces/stomp-frame.interface.js';
import type { MessageBroker } from '../../interfaces/message-broker.interface.js';
import type { StompPrincipal } from '../../interfaces/stomp-principal.interface.js';
import type { AckMode, SessionEnding } from '../../interfaces/stomp-session.interface.js';
import type { ResolvedStompOptions } from '../../interfaces/resolved-stomp-options.interface.js';
import type { SessionRouter } from '../session/session.types.js';
import type { SessionDirectory } from '../session/session.directory.js';
import type { StompSession } from '../session/stomp.session.js';
import type { UserDestinationRouter } from '../user/user-destination.router.js';
import { ConnectAuthenticator } from '../session/connect.authenticator.js';
import type { StompEvents } from '../events/stomp.events.js';
import type { DestinationAuthorizer } from '../security/destination.authorizer.js';
import type { OutboundPath } from '../outbound/outbound.path.js';
import type { ApplicationDestinations } from './application.port.js';
import type { DestinationPrefixes } from './destination.prefixes.js';
import { forwardedHeaders } from './forwarded.headers.js';
import { rejectClientRegex, rejectComplexPattern } from './subscription.checks.js';
import { CLIENT_MESSAGES } from '../stomp.messages.js';

/** Where the router reports what went wrong on the server side. */
export interface InboundLog {
  error(message: string): void;
}

/** What the inbound router works with, all given at construction. */
export interface InboundCollaborators {
  options: ResolvedStompOptions;
  prefixes: DestinationPrefixes;
  broker: MessageBroker;
  users: UserDestinationRouter;
  directory: SessionDirectory;
  events: StompEvents;
  authorizer: DestinationAuthorizer;
  outbound: OutboundPath;
  /** The `@MessageMapping` handlers; without them application destinations are unknown. */
  application: ApplicationDestinations | undefined;
  log: InboundLog;
}

/**
 * The one way in: every frame a session hands on is authorized once, then routed by prefix to the
 * application's handlers, the broker or a user destination; anything else is an ERROR.
 */
export class InboundRouter implements SessionRouter<StompSession> {
  private readonly authenticator: ConnectAuthenticator;

  constructor(private readonly c: InboundCollaborators) {
    this.authenticator = new ConnectAuthenticator(c.options.authenticate, c.events);
  }

  authenticate(session: StompSession, frame: StompFrame): Promise<StompPrincipal | undefined> {
    return this.authenticator.authenticate(session, frame);
  }

  connected(session: StompSession): void {
    this.c.directory.add(session);
    this.c.events.emit({ type: 'connected', ...sessionFacts(session) });
  }

  send(session: StompSession, frame: StompFrame): void | Promise<void> {
    const check = this.c.authorizer.check('send', frame.headers.destination, session.principal);
    if (check) return check.then(() => this.routeSend(session, frame));
    return this.routeSend(session, frame);
  }

  subscribe(session: StompSession, subscriptionId: string, destination: string, ackMode: AckMode, frame: StompFrame): void | Promise<void> {
    const check = this.c.authorizer.check('subscribe', destination, session.principal);
    const subscribed = (): void | Promise<void> => {
      const routed = this.routeSubscribe(session, subscriptionId, destination, ackMode, frame);
      const announce = (): void => this.c.events.emit({ type: 'subscribe', ...sessionFacts(session), subscriptionId, destination });
      if (routed) return routed.then(announce);
      announce();
    };
    return check ? check.then(subscribed) : subscribed();
  }

  unsubscribe(session: StompSession, subscriptionId: string): void | Promise<void> {
    this.c.events.emit({ type: 'unsubscribe', ...sessionFacts(session), subscriptionId });
    if (this.c.users.unsubscribe(session.id, subscriptionId)) return;
    return this.c.broker.unsubscribe(session.id, subscriptionId);
  }

  ack(session: StompSession, ackId: string, accepted: boolean): void | Promise<void> {
    return this.c.broker.ack(session.id, ackId, accepted);
  }

  closed(session: StompSession, ending: SessionEnding): void {
    this.c.users.sessionClosed(session.id);
    void this.c.broker.sessionClosed(session.id);
    this.c.directory.remove(session);
    this.c.events.emit({ type: 'disconnect', ...sessionFacts(session), reason: ending.reason, ...(ending.code && { code: ending.code }) });
  }

  /** A refused frame the session survives, told on the sender's error destination (the one error policy decides). */
  refused(session: StompSession, frame: StompFrame, error: StompProtocolError): void {
    const receipt = frame.headers.receipt;
    const body = { message: error.message, destination: frame.headers.destination, ...(receipt !== undefined && { receipt }) };
    const failure = {
      code: error.code,
      message: error.message,
      headers: error.headers,
      reason: 'protocol-error',
      receiptId: receipt,
    } as const;
    this.c.outbound.errors.report(session, failure, body);
  }

  internalError(session: StompSession, error: unknown): void {
    const detail = error instanceof Error ? (error.stack ?? error.message) : String(error);
    this.c.log.error(`Session ${session.id} ended by an internal error: ${detail}`);
  }

  private routeSend(session: StompSession, frame: StompFrame): void | Promise<void> {
    const { prefixes, application } = this.c;
    const destination = frame.headers.destination;
    const appDestination = prefixes.applicationDestination(destination);
    if (appDestination !== undefined) {
      if (!application) throw noHandler(destination);
      return application.handleSend(session, appDestination, frame);
    }
    if (prefixes.isUserDestination(destination)) {
      throw new StompProtocolError('FORBIDDEN_DESTINATION', CLIENT_MESSAGES.sendToUserDestination(destination));
    }
    prefixes.requireBrokerDestination(destination);
    // A RECEIPT waits for a broker that confirms (the relay): never RECEIPT what the broker did not take.
    const message = {
      destination,
      headers: forwardedHeaders(frame.headers),
      body: frame.body,
      confirm: frame.headers.receipt !== undefined,
    };
    const published = this.c.outbound.publish(message);
    if (published instanceof Promise) return published.then(() => undefined);
  }

  private routeSubscribe(
    session: StompSession,
    subscriptionId: string,
    destination: string,
    ackMode: AckMode,
    frame: StompFrame,
  ): void | Promise<void> {
    const { prefixes, application, options } = this.c;
    const appDestination = prefixes.applicationDestination(destination);
    if (appDestination !== undefined) {
      if (!application) throw noHandler(destination);
      return application.handleSubscribe(session, appDestination, subscriptionId, frame);
    }
    if (prefixes.isUserDestination(destination)) {
      this.c.users.subscribe(session.id, subscriptionId, destination, ackMode);
      // With the relay, the RECEIPT waits until messages from the other nodes can reach the user here.
      return this.c.broker.userRouted?.(session.userName);
    }
    prefixes.requireBrokerDestination(destination);
    rejectClientRegex(destination);
    rejectComplexPattern(destination, options);
    const filter = this.c.authorizer.deliveryFilter(destination, session.principal);
    const attached = this.c.outbound.attach(session, subscriptionId, destination, ackMode, frame.headers);
    const subscribed = this.c.broker.subscribe(
      attached?.subscriber ?? session,
      subscriptionId,
      destination,
      ackMode,
      frame.headers.receipt !== undefined,
      filter,
      frame.headers,
    );
    if (!attached) return subscribed;
    return subscribed instanceof Promise ? subscribed.then(() => attached.start()) : attached.start();
  }
}

function sessionFacts(session: StompSession) {
  return { sessionId: session.id, user: session.userName, principal: session.principal, transport: session.connection.transport };
}

function noHandler(destination: string): StompProtocolError {
  return new StompProtocolError('UNKNOWN_DESTINATION', CLIENT_MESSAGES.noHandler(destination));
}
