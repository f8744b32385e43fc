import { Inject, Injectable } from '@nestjs/common';
import { DiscoveryService, MetadataScanner, Reflector } from '@nestjs/core';
import { StompServer } from '../../engine/stomp.server.js';
import { StompParamtype, STOMP_ARGS_METADATA } from '../handlers/handler.constants.js';
import { HandlerMetadataAccessor } from '../handlers/handler.metadata-accessor.js';
import { StompMessageHandlers } from '../handlers/message.handlers.js';
import { joinDestination } from '../replies/reply.router.js';
import { STOMP_PUBLISHES_METADATA, type StompPublication } from './asyncapi.decorator.js';
import type { MessageSpec, OperationSpec, PayloadSpec } from './asyncapi.document.js';
import { loadClassToSchema, payloadOf } from './asyncapi.schemas.js';

type Payloads = (type: unknown) => PayloadSpec | undefined;

/**
 * Reads the same decorators the handler explorer does (plus `@StompPublishes`) and turns them into
 * AsyncAPI operations: the contract of what a client may send where and what comes back.
 */
@Injectable()
export class StompAsyncApiExplorer {
  constructor(
    @Inject(DiscoveryService) private readonly discovery: DiscoveryService,
    @Inject(MetadataScanner) private readonly scanner: MetadataScanner,
    @Inject(Reflector) private readonly reflector: Reflector,
    @Inject(StompServer) private readonly server: StompServer,
    @Inject(StompMessageHandlers) private readonly handlers: StompMessageHandlers,
  ) {}

  async operations(): Promise<OperationSpec[]> {
    const classToSchema = await loadClassToSchema();
    const payloads: Payloads = (type) => payloadOf(type, classToSchema);
    const accessor = new HandlerMetadataAccessor(this.reflector, this.server.matcher);
    const operations: OperationSpec[] = [];
    const seen = new Set<Function>();
    for (const wrapper of [...this.discovery.getControllers(), ...this.discovery.getProviders()]) {
      const instance: unknown = wrapper.instance;
      if (typeof instance !== 'object' || instance === null || seen.has(instance.constructor)) continue;
      const type = instance.constructor;
      seen.add(type);
      operations.push(...this.publications(type, type, type.name, payloads));
      for (const methodName of this.scanner.getAllMethodNames(Object.getPrototypeOf(instance))) {
        const method = type.prototype[methodName] as Function;
        operations.push(...this.publications(method, type, `${type.name}.${methodName}`, payloads));
        const mapping = accessor.mapping(type, methodName);
        if (!mapping) continue;
        const plan = accessor.replyPlan(type, methodName, mapping.kind);
        const name = `${type.name}.${methodName}`;
        const inbound = payloads(this.payloadType(type, methodName));
        const outbound = payloads(Reflect.getMetadata('design:returntype', type.prototype, methodName));
        for (const pattern of mapping.patterns) {
          const address = this.appAddress(pattern);
          if (plan.direct) {
            operations.push({
              id: name,
              action: 'send',
              summary: `${name}: answers a SUBSCRIBE to ${address}, once, on that subscription`,
              message: { address, name: `${name}.reply`, payload: outbound },
            });
            continue;
          }
          const { sendTo, user } = this.handlers.replies.targets(plan, pattern);
          const replies = [...sendTo, ...user.map((d) => joinDestination(this.server.options.userDestinationPrefix, d))];
          const request: MessageSpec =
            mapping.kind === 'SEND'
              ? { address, name: inbound?.component ?? `${name}.payload`, payload: inbound }
              : { address, name: `${name}.subscribe`, description: 'a SUBSCRIBE frame; it carries no body' };
          const reply = (to: string): MessageSpec => ({ address: to, name: `${name}.reply`, payload: outbound });
          const verb = mapping.kind === 'SEND' ? 'SEND' : 'SUBSCRIBE';
          operations.push({
            id: name,
            action: 'receive',
            message: request,
            ...(replies[0] && { reply: reply(replies[0]) }),
            summary: `${verb} ${address} runs ${name}` + (replies.length > 0 ? `; its result goes to ${replies.join(', ')}` : ''),
          });
          // AsyncAPI gives an operation one reply: further @SendTo destinations are pushes of their own.
          for (const to of replies.slice(1)) {
            operations.push({ id: `${name}.also`, action: 'send', message: reply(to), summary: `${name}'s result, also sent to ${to}` });
          }
        }
      }
    }
    return operations;
  }

  /** `/rooms/{roomId}/send` → `/dap/rooms/{roomId}/send`: the destination a client actually names. */
  private appAddress(pattern: string): string {
    const prefix = this.server.options.appPrefixes[0];
    return prefix ? joinDestination(prefix, pattern) : pattern;
  }

  /** The declared type of the `@Payload()` parameter (whole body, not one property of it). */
  private payloadType(type: Function, methodName: string): unknown {
    const params: Record<string, { index: number; data?: unknown }> = Reflect.getMetadata(STOMP_ARGS_METADATA, type, methodName) ?? {};
    const entry = Object.entries(params).find(
      ([key, value]) => key.split(':')[0] === String(StompParamtype.PAYLOAD) && value.data === undefined,
    );
    if (!entry) return undefined;
    const types: unknown[] = Reflect.getMetadata('design:paramtypes', type.prototype, methodName) ?? [];
    return types[entry[1].index];
  }

  private publications(holder: object, type: Function, declaredBy: string, payloads: Payloads): OperationSpec[] {
    const declared: StompPublication[] = Reflect.getMetadata(STOMP_PUBLISHES_METADATA, holder) ?? [];
    return declared.map((p) => {
      const payload = payloads(p.payload);
      return {
        id: `push ${p.destination}`,
        action: 'send' as const,
        summary: `${declaredBy} pushes to ${p.destination}`,
        message: {
          address: p.destination,
          name: payload?.component ?? `${type.name}.${keyTail(p.destination)}`,
          payload,
          description: p.description,
        },
      };
    });
  }
}

const keyTail = (destination: string): string => destination.split(/[/.]/).filter(Boolean).pop() ?? 'message';
