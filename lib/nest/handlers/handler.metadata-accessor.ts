import type { Reflector } from '@nestjs/core';
import type { DestinationMatcher } from '../../engine/broker/destination.matcher.js';
import { MESSAGE_MAPPING_METADATA, SEND_TO_METADATA, SEND_TO_USER_METADATA, SUBSCRIBE_MAPPING_METADATA } from './handler.constants.js';
import type { MappingKind } from './handler.registry.js';
import type { ReplyPlan } from '../replies/reply.router.js';
import type { SendToUserMetadata } from '../decorators/send-to.decorator.js';
import { BOOTSTRAP_MESSAGES } from '../../engine/stomp.messages.js';

/** One handler method's mapping: the frame it answers and its full destinations (class prefix included). */
export interface MethodMapping {
  kind: MappingKind;
  patterns: string[];
}

/** Reads our decorators' metadata from classes and methods. */
export class HandlerMetadataAccessor {
  constructor(
    private readonly reflector: Reflector,
    private readonly matcher: DestinationMatcher,
  ) {}

  /** The mapping of `type.prototype[methodName]`, or undefined when it has none. */
  mapping(type: Function, methodName: string): MethodMapping | undefined {
    const method = type.prototype[methodName] as Function;
    const send = this.reflector.get<string[] | undefined>(MESSAGE_MAPPING_METADATA, method);
    const subscribe = this.reflector.get<string[] | undefined>(SUBSCRIBE_MAPPING_METADATA, method);
    if (send && subscribe) {
      throw new Error(BOOTSTRAP_MESSAGES.twoMappings(`${type.name}.${methodName}`));
    }
    const own = send ?? subscribe;
    if (!own) return undefined;
    const prefixes = this.reflector.get<string[] | undefined>(MESSAGE_MAPPING_METADATA, type) ?? [''];
    const patterns = prefixes.flatMap((prefix) => own.map((destination) => this.matcher.combine(prefix, destination)));
    return { kind: send ? 'SEND' : 'SUBSCRIBE', patterns };
  }

  /**
   * Spring's rules: the method's own `@SendTo`/`@SendToUser` win over the class's; with neither,
   * a SEND is broadcast to the default destination and a SUBSCRIBE answered on its subscription.
   */
  replyPlan(type: Function, methodName: string, kind: MappingKind): ReplyPlan {
    const method = type.prototype[methodName] as Function;
    for (const target of [method, type]) {
      const sendTo = this.reflector.get<string[] | undefined>(SEND_TO_METADATA, target);
      const sendToUser = this.reflector.get<SendToUserMetadata | undefined>(SEND_TO_USER_METADATA, target);
      if (sendTo || sendToUser) return { sendTo, sendToUser };
    }
    return kind === 'SEND' ? { sendTo: [] } : { direct: true };
  }
}
