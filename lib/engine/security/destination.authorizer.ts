import { StompProtocolError } from '../errors/protocol.error.js';
import type { DestinationMatcher } from '../broker/destination.matcher.js';
import type { DeliveryFilter } from '../../interfaces/message-broker.interface.js';
import type { StompPrincipal } from '../../interfaces/stomp-principal.interface.js';
import type { AuthorizationDecision, DestinationAction, StompAuthorizationRule } from '../../interfaces/stomp-authorization.interface.js';
import { CLIENT_MESSAGES } from '../stomp.messages.js';

/**
 * Per-destination authorization for SUBSCRIBE and SEND (Spring Security's message matchers),
 * checked before the frame has any effect. Destinations no rule names are allowed.
 */
export class DestinationAuthorizer {
  constructor(
    private readonly rules: readonly StompAuthorizationRule[],
    private readonly matcher: DestinationMatcher,
    /** `report`: a denial goes to the client's error destination and its session goes on. */
    private readonly onDenied: 'error' | 'report' = 'error',
  ) {}

  /** Throws FORBIDDEN_DESTINATION when denied; returns a Promise only when a rule is asynchronous. */
  check(action: DestinationAction, destination: string, principal: StompPrincipal | undefined): void | Promise<void> {
    const decision = this.decisionFor(action, destination);
    if (decision === undefined || decision === true) return;
    if (decision === false) throw this.denied(action, destination);
    const verdict = decision(principal, destination);
    if (typeof verdict === 'boolean') {
      if (!verdict) throw this.denied(action, destination);
      return;
    }
    return verdict.then((allowed) => {
      if (!allowed) throw this.denied(action, destination);
    });
  }

  /**
   * For a pattern subscription (whose SUBSCRIBE `check` judged only the pattern as written):
   * the subscribe rules applied to each destination it reaches, for this principal. Undefined
   * when no rule can refuse anything. Asked once per (subscription, destination) by the broker,
   * so it must answer at once: an asynchronous rule's answer counts as a refusal here.
   */
  deliveryFilter(pattern: string, principal: StompPrincipal | undefined): DeliveryFilter | undefined {
    if (!this.matcher.isPattern(pattern)) return undefined;
    if (!this.rules.some((rule) => rule.subscribe !== undefined && rule.subscribe !== true)) return undefined;
    return (destination) => this.allowsNow(destination, principal);
  }

  private allowsNow(destination: string, principal: StompPrincipal | undefined): boolean {
    const decision = this.decisionFor('subscribe', destination);
    if (decision === undefined || typeof decision === 'boolean') return decision !== false;
    try {
      const verdict = decision(principal, destination);
      if (typeof verdict === 'boolean') return verdict;
      verdict.catch(() => undefined);
    } catch {
      // A throwing rule refuses; it must not break the publish that asked.
    }
    return false;
  }

  private denied(action: DestinationAction, destination: string): StompProtocolError {
    const message = CLIENT_MESSAGES.accessDenied(action, destination);
    return new StompProtocolError('FORBIDDEN_DESTINATION', message, {}, this.onDenied === 'error');
  }

  private decisionFor(action: DestinationAction, destination: string): AuthorizationDecision | undefined {
    for (const rule of this.rules) {
      const decision = rule[action];
      if (decision === undefined) continue;
      const patterns = Array.isArray(rule.destination) ? rule.destination : [rule.destination];
      if (patterns.some((p) => this.matcher.match(p, destination) !== null)) return decision;
    }
    return undefined;
  }
}
