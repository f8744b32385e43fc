import type { DestinationMatcher } from '../../engine/broker/destination.matcher.js';
import { convertPayload } from '../../engine/messaging/payload.converter.js';
import type { SimpMessagingTemplate } from '../../engine/messaging/simp-messaging.template.js';
import type { OutboundPath } from '../../engine/outbound/outbound.path.js';
import type { StompSession } from '../../engine/session/stomp.session.js';
import { DEFAULT_SEND_TO_USER_PREFIX } from '../handlers/handler.constants.js';
import type { SendToUserMetadata } from '../decorators/send-to.decorator.js';
import type { StompMessage } from '../handlers/stomp-message.js';

/** Where a handler's return values go, decided once at bootstrap. */
export interface ReplyPlan {
  /** Broadcast destinations (`[]` = the default one); absent = no broadcast. */
  sendTo?: string[];
  sendToUser?: SendToUserMetadata;
  /** `@SubscribeMapping` without `@SendTo`/`@SendToUser`: straight back to that subscription. */
  direct?: boolean;
}

/** `/topic` + `/greeting` → `/topic/greeting`, with exactly one `/` between them. */
export function joinDestination(prefix: string, destination: string): string {
  const head = prefix.endsWith('/') ? prefix.slice(0, -1) : prefix;
  return destination.startsWith('/') ? head + destination : `${head}/${destination}`;
}

/** A mapping as clients address it: `/rooms/{roomId}/send` under app prefix `/app/` → `/app/rooms/{roomId}/send`. */
export function addressedPattern(appPrefixes: readonly string[], pattern: string): string {
  return appPrefixes[0] ? joinDestination(appPrefixes[0], pattern) : pattern;
}

/**
 * Sends one return value where the plan says: `@SendTo` through the broker, `@SendToUser` to the
 * sender's user destinations, a subscribe reply as one MESSAGE on that subscription only.
 */
export class ReplyRouter {
  constructor(
    private readonly template: SimpMessagingTemplate,
    private readonly outbound: OutboundPath,
    private readonly matcher: DestinationMatcher,
    /** The default `@SendTo` prefix: the first broker prefix (Spring: `/topic`). */
    private readonly sendToPrefix: string,
  ) {}

  /**
   * The destinations of a plan before `{var}` expansion: the explicit ones, or the defaults built
   * from the destination the handler was reached by (first broker prefix / `/queue` + it).
   */
  targets(plan: ReplyPlan, lookupDestination: string): { sendTo: string[]; user: string[] } {
    const or = (list: string[], fallback: string): string[] => (list.length > 0 ? list : [fallback]);
    return {
      sendTo: plan.sendTo ? or(plan.sendTo, joinDestination(this.sendToPrefix, lookupDestination)) : [],
      user: plan.sendToUser ? or(plan.sendToUser.destinations, joinDestination(DEFAULT_SEND_TO_USER_PREFIX, lookupDestination)) : [],
    };
  }

  /** Sends `value` (null/undefined: nothing) for the message that `session` sent. */
  async send(plan: ReplyPlan, value: unknown, session: StompSession, message: StompMessage): Promise<void> {
    if (value === undefined || value === null) return;
    if (plan.direct) return this.replyToSubscription(session, message, value);
    const targets = this.targets(plan, message.lookupDestination);
    const expand = (destination: string): string => this.matcher.expand(destination, message.destinationVariables);
    for (const destination of targets.sendTo) await this.template.convertAndSend(expand(destination), value);
    // Spring: without a principal the user is the session itself, so only that session is reached.
    const broadcast = plan.sendToUser?.broadcast === true && session.principal !== undefined;
    for (const destination of targets.user.map(expand)) {
      if (broadcast) await this.template.convertAndSendToUser(session.userName, destination, value);
      else await this.template.convertAndSendToSession(session.id, destination, value);
    }
  }

  private replyToSubscription(session: StompSession, message: StompMessage, value: unknown): void {
    if (message.subscriptionId === undefined) return;
    const { body, contentType } = convertPayload(value);
    this.outbound.toSubscription(session, message.subscriptionId, message.destination, { 'content-type': contentType }, body);
  }
}
