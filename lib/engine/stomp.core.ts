import { DestinationMatcher } from './broker/destination.matcher.js';
import { SimpleBroker } from './broker/simple.broker.js';
import { QueueStore } from './broker/queue/queue.store.js';
import { StompBrokerRelay } from './broker/relay/broker.relay.js';
import type { MessageBroker } from '../interfaces/message-broker.interface.js';
import type { ResolvedStompOptions } from '../interfaces/resolved-stomp-options.interface.js';
import { StompEvents } from './events/stomp.events.js';
import { DestinationPrefixes } from './inbound/destination.prefixes.js';
import { SimpMessagingTemplate, type OutboundHeaderHook } from './messaging/simp-messaging.template.js';
import { OutboundPath } from './outbound/outbound.path.js';
import { ConflationStage } from './outbound/conflation.stage.js';
import { HistoryStage } from './outbound/history/history.stage.js';
import type { DestinationStage } from './outbound/destination.stage.js';
import { DestinationAuthorizer } from './security/destination.authorizer.js';
import { SessionDirectory } from './session/session.directory.js';
import { StompBrokerRegistry } from './session/stomp.registry.js';
import { UserDestinationRouter } from './user/user-destination.router.js';

/** Where the engine logs: Nest's Logger fits. */
export interface StompCoreLog {
  warn(message: string): void;
}

/**
 * Everything that carries messages, before any transport or handler exists: who is connected, the
 * broker, user destinations, the one outbound path and the template over it. The Nest shell builds
 * its handlers on this, then the server on both; each part gets its collaborators at construction.
 */
export class StompCore {
  readonly matcher: DestinationMatcher;
  readonly prefixes: DestinationPrefixes;
  /** The broker is built after it (it needs the user router, which needs the directory): presence reaches it through `this`. */
  readonly directory = new SessionDirectory({
    userArrived: (user) => this.broker.userArrived?.(user),
    userLeft: (user) => this.broker.userLeft?.(user),
  });
  readonly users: UserDestinationRouter;
  readonly broker: MessageBroker;
  readonly registry: StompBrokerRegistry;
  readonly outbound: OutboundPath;
  readonly template: SimpMessagingTemplate;
  readonly authorizer: DestinationAuthorizer;
  readonly events = new StompEvents();

  constructor(
    readonly options: ResolvedStompOptions,
    log: StompCoreLog,
    /** Headers added to every message the template sends (trace context); none by default. */
    outboundHeaders?: OutboundHeaderHook,
  ) {
    this.matcher = new DestinationMatcher(options.pathSeparator);
    this.prefixes = new DestinationPrefixes(options);
    this.users = new UserDestinationRouter(options.userDestinationPrefix, this.directory);
    const availability = (available: boolean): void => {
      log.warn(`Broker relay ${available ? 'connected' : 'disconnected'}`);
      this.events.emit({ type: 'broker', available });
    };
    this.broker = options.relay
      ? new StompBrokerRelay(options.relay, this.matcher, this.users, availability, (message) => log.warn(message), options)
      : new SimpleBroker(this.matcher, options.cacheLimit, options.maxPatternSubscriptions, this.queueStore(options));
    const stages = stagesOf(options, this.matcher);
    const history = stages.find((stage): stage is HistoryStage => stage instanceof HistoryStage)?.store;
    this.registry = new StompBrokerRegistry(options, this.directory, this.broker, this.matcher, history);
    this.outbound = new OutboundPath(this.broker, this.users, this.directory, options.errorDestination, stages);
    this.template = new SimpMessagingTemplate(this.prefixes, this.outbound, outboundHeaders);
    this.authorizer = new DestinationAuthorizer(options.authorization, this.matcher, options.authorizationFailure);
  }

  /** Point-to-point queues, when the `queues` option names any. */
  private queueStore(options: ResolvedStompOptions): QueueStore | undefined {
    return options.queues.length > 0 ? new QueueStore(options.queues, this.matcher, options) : undefined;
  }
}

/** The delivery features the options turn on, each a stage on the outbound path. */
function stagesOf(options: ResolvedStompOptions, matcher: DestinationMatcher): DestinationStage[] {
  const stages: DestinationStage[] = [];
  // With the relay, history destinations are RabbitMQ streams (broker/relay/relay.streams.ts).
  if (options.history.length > 0 && !options.relay) {
    // Half the send budget may wait for a replaying client: the other half is for its live traffic.
    const replayBufferBytes = Math.max(1, Math.floor(options.sendBufferSizeLimit / 2));
    const history = { rules: options.history, bytesLimit: options.historyBytesLimit, replayBufferBytes };
    stages.push(new HistoryStage(matcher, history, options.cacheLimit));
  }
  // After history: a conflated subscriber skips messages live, its history stays whole.
  if (options.conflate.length > 0) stages.push(new ConflationStage(options.conflate, matcher));
  return stages;
}
