import type { ApplicationDestinations } from '../../engine/inbound/application.port.js';
import type { StompFrame } from '../../interfaces/stomp-frame.interface.js';
import type { StompSession } from '../../engine/session/stomp.session.js';
import type { StompCore } from '../../engine/stomp.core.js';
import { STOMP_CONTEXT_TYPE } from '../stomp.tokens.js';
import { StompException } from '../../engine/errors/stomp.exception.js';
import { DEFAULT_SEND_TO_PREFIX } from './handler.constants.js';
import type { StompInvocation } from './handler.invoker.js';
import type { HandlerRegistry, HandlerMatch, MappingKind } from './handler.registry.js';
import type { StompGatewayRoutes } from '../gateway/gateway.routes.js';
import type { StompTracing } from '../tracing/stomp.tracing.js';
import type { HandlerTimings } from '../metrics/handler.timings.js';
import { HandlerErrorReporter } from '../errors/error.reporter.js';
import { InboundStompMessage } from './inbound.message.js';
import { resolvePayload } from './payload.resolver.js';
import { addressedPattern, ReplyRouter, type ReplyPlan } from '../replies/reply.router.js';
import { deliverResult } from '../replies/result.delivery.js';
import { StompArgumentsHost } from './stomp-arguments.host.js';
import { BaseStompExceptionFilter } from '../errors/stomp-exception.filter.js';

/** One mapped handler method, ready to run. */
export interface StompHandlerDefinition {
  /** `Class.method`, for logs and errors. */
  name: string;
  invoke: StompInvocation;
  plan: ReplyPlan;
}

/**
 * What the dispatcher calls for destinations under the application prefix: finds the handler,
 * converts the payload, runs it through Nest's enhancers, routes the result, reports errors.
 */
export class StompMessageHandlers implements ApplicationDestinations {
  readonly replies: ReplyRouter;
  private readonly reporter: HandlerErrorReporter;
  private readonly defaultFilter = new BaseStompExceptionFilter();

  constructor(
    private readonly core: StompCore,
    /** Filled by the explorer at bootstrap, before the endpoint opens. */
    private readonly registry: HandlerRegistry<StompHandlerDefinition>,
    /** SENDs no `@MessageMapping` claims go to the gateway adapter, when one is in use. */
    private readonly gateways: StompGatewayRoutes,
    /** With the `tracing` option: a span per invocation. */
    private readonly tracing: StompTracing | null = null,
    /** With the `metrics` option: invocation times by mapping pattern. */
    private readonly timings: HandlerTimings | null = null,
  ) {
    const { options, template, matcher, outbound } = core;
    this.replies = new ReplyRouter(template, outbound, matcher, options.brokerPrefixes[0] ?? DEFAULT_SEND_TO_PREFIX);
    this.reporter = new HandlerErrorReporter(outbound.errors, options.handlerErrors);
  }

  async handleSend(session: StompSession, destination: string, frame: StompFrame): Promise<void> {
    const match = this.find('SEND', destination);
    if (!match && (await this.gateways.handleSend(session, destination, frame))) return;
    return this.run(match, session, frame, destination);
  }

  handleSubscribe(session: StompSession, destination: string, subscriptionId: string, frame: StompFrame): Promise<void> {
    return this.run(this.find('SUBSCRIBE', destination), session, frame, destination, subscriptionId);
  }

  /** Reports an error the default way, as if a handler for `destination` had thrown it. */
  reportError(error: unknown, session: StompSession, frame: StompFrame, destination: string, payload?: unknown): Promise<void> {
    const message = new InboundStompMessage(frame, destination, {}, this.reporter);
    return this.defaultFilter.catch(error, new StompArgumentsHost([session, payload, message], STOMP_CONTEXT_TYPE));
  }

  private addressed(pattern: string): string {
    return addressedPattern(this.core.options.appPrefixes, pattern);
  }

  private find(kind: MappingKind, destination: string): HandlerMatch<StompHandlerDefinition> | undefined {
    // With '.' destinations ('/app/chat.send'), mappings read 'chat.send', as in Spring.
    const path = this.core.options.pathSeparator === '.' ? destination.replace(/^\//, '') : destination;
    return this.registry.find(kind, path);
  }

  private async run(
    match: HandlerMatch<StompHandlerDefinition> | undefined,
    session: StompSession,
    frame: StompFrame,
    destination: string,
    subscriptionId?: string,
  ): Promise<void> {
    const message = new InboundStompMessage(frame, destination, match?.variables ?? {}, this.reporter, subscriptionId);
    let payload: unknown;
    const report = (error: unknown): Promise<void> =>
      this.defaultFilter.catch(error, new StompArgumentsHost([session, payload, message], STOMP_CONTEXT_TYPE));
    try {
      if (!match) throw new StompException(`No handler for destination '${frame.headers.destination}'`);
      const { invoke, plan } = match.handler;
      const work = async (): Promise<void> => {
        payload = resolvePayload(frame.body, frame.headers['content-type']);
        const result = await invoke(session, payload, message);
        await deliverResult(result, session, this.core.events, (value) => this.replies.send(plan, value, session, message), report);
      };
      const started = this.timings ? performance.now() : 0;
      if (!this.tracing) await work();
      else
        await this.tracing.run(
          `${frame.command} ${this.addressed(match.pattern)}`,
          frame.headers.destination,
          session.id,
          frame.headers,
          work,
        );
      this.timings?.record(this.addressed(match.pattern), (performance.now() - started) / 1000);
    } catch (error) {
      await report(error);
    }
  }
}
