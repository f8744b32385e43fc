import { Inject, Injectable, Logger, type OnModuleInit } from '@nestjs/common';
import { ApplicationConfig, DiscoveryService, MetadataScanner, ModulesContainer, Reflector } from '@nestjs/core';
import { StompCore } from '../../engine/stomp.core.js';
import { createHandlerEnhancers } from './handler.enhancers.js';
import { HandlerInvoker } from './handler.invoker.js';
import { HandlerMetadataAccessor } from './handler.metadata-accessor.js';
import { HandlerRegistry } from './handler.registry.js';
import { StompMessageHandlers, type StompHandlerDefinition } from './message.handlers.js';
import { addressedPattern, joinDestination, type ReplyPlan } from '../replies/reply.router.js';
import { BOOTSTRAP_MESSAGES } from '../../engine/stomp.messages.js';

type Wrapper = ReturnType<DiscoveryService['getProviders']>[number];

const variableNames = (pattern: string): string[] => [...pattern.matchAll(/\{([^}:]+)/g)].map((m) => m[1]);

/**
 * Finds `@MessageMapping`/`@SubscribeMapping` methods on every controller and provider at startup,
 * wraps them in Nest's enhancers, logs one line per mapping and hands them to the dispatcher.
 */
@Injectable()
export class StompHandlerExplorer implements OnModuleInit {
  private readonly logger = new Logger(StompHandlerExplorer.name);

  constructor(
    @Inject(DiscoveryService) private readonly discovery: DiscoveryService,
    @Inject(MetadataScanner) private readonly scanner: MetadataScanner,
    @Inject(Reflector) private readonly reflector: Reflector,
    @Inject(ModulesContainer) private readonly modules: ModulesContainer,
    @Inject(ApplicationConfig) private readonly config: ApplicationConfig,
    @Inject(StompCore) private readonly core: StompCore,
    @Inject(HandlerRegistry) private readonly registry: HandlerRegistry<StompHandlerDefinition>,
    @Inject(StompMessageHandlers) private readonly handlers: StompMessageHandlers,
  ) {}

  /** Before the endpoint opens (onApplicationBootstrap), so a mapping error stops the app first. */
  onModuleInit(): void {
    const { registry } = this;
    const accessor = new HandlerMetadataAccessor(this.reflector, this.core.matcher);
    const invoker = new HandlerInvoker(createHandlerEnhancers(this.modules, this.config));
    const seen = new Set<Function>();
    // Controllers first: a class listed as both controller and provider is explored once.
    for (const wrapper of [...this.discovery.getControllers(), ...this.discovery.getProviders()]) {
      const instance: unknown = wrapper.instance;
      if (typeof instance !== 'object' || instance === null || seen.has(instance.constructor)) continue;
      seen.add(instance.constructor);
      const type = instance.constructor;
      for (const methodName of this.scanner.getAllMethodNames(Object.getPrototypeOf(instance))) {
        const mapping = accessor.mapping(type, methodName);
        if (!mapping) continue;
        const name = `${type.name}.${methodName}`;
        this.requireSingleton(wrapper, name);
        const plan = accessor.replyPlan(type, methodName, mapping.kind);
        const definition: StompHandlerDefinition = { name, plan, invoke: invoker.create(instance, methodName, wrapper.host?.token) };
        for (const pattern of mapping.patterns) {
          this.checkReplies(name, pattern, plan);
          registry.add(mapping.kind, pattern, definition, name);
          this.logger.log(
            `${name}  ${mapping.kind} ${addressedPattern(this.core.options.appPrefixes, pattern)} -> ${this.describe(plan, pattern)}`,
          );
        }
      }
    }
    if (registry.size > 0 && this.core.options.appPrefixes.length === 0) {
      this.logger.warn('STOMP handlers are mapped but no appPrefix is configured: clients cannot reach them');
    }
  }

  private requireSingleton(wrapper: Wrapper, name: string): void {
    if (!wrapper.isDependencyTreeStatic()) {
      throw new Error(BOOTSTRAP_MESSAGES.scopedHandler(name));
    }
  }

  /** Bootstrap-time checks that would otherwise fail on every message. */
  private checkReplies(name: string, pattern: string, plan: ReplyPlan): void {
    const known = new Set(variableNames(pattern));
    for (const destination of [...(plan.sendTo ?? []), ...(plan.sendToUser?.destinations ?? [])]) {
      const missing = variableNames(destination).find((v) => !known.has(v));
      if (missing) throw new Error(BOOTSTRAP_MESSAGES.uncapturedVariable(name, destination, missing, pattern));
    }
    for (const destination of plan.sendTo ?? []) {
      if (!this.core.prefixes.isBrokerDestination(destination)) {
        throw new Error(BOOTSTRAP_MESSAGES.sendToOutsideBroker(name, destination, this.core.options.brokerPrefixes));
      }
    }
  }

  private describe(plan: ReplyPlan, pattern: string): string {
    if (plan.direct) return 'subscriber';
    const { sendTo, user } = this.handlers.replies.targets(plan, pattern);
    const only = plan.sendToUser?.broadcast === false ? ' (sender only)' : '';
    const users = user.map((d) => joinDestination(this.core.options.userDestinationPrefix, d) + only);
    return [...sendTo, ...users].join(', ');
  }
}
