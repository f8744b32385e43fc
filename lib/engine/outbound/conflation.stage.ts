import type { BrokerMessage } from '../../interfaces/message-broker.interface.js';
import type { StompConflationRule } from '../../interfaces/stomp-options.interface.js';
import type { DestinationMatcher } from '../broker/destination.matcher.js';
import type { DestinationStage, PublishNext } from './destination.stage.js';

/** Destinations remembered with their rule (or none); beyond this many the cache starts over. */
const CACHE_LIMIT = 4096;

/**
 * Conflation for live data: messages to a conflated destination carry a key (the destination, plus
 * the value of the rule's `key` header), and a subscriber that is behind keeps only the newest
 * message per key waiting (the outbound queue replaces the older one). Nothing changes for a
 * subscriber that keeps up.
 */
export class ConflationStage implements DestinationStage {
  private readonly rules = new Map<string, StompConflationRule | null>();

  constructor(
    private readonly conflate: readonly StompConflationRule[],
    private readonly matcher: DestinationMatcher,
  ) {}

  claims(destination: string): boolean {
    return this.ruleFor(destination) !== null;
  }

  publish(message: BrokerMessage, next: PublishNext): number | Promise<number> {
    const rule = this.ruleFor(message.destination);
    const keyValue = rule?.key === undefined ? '' : (message.headers[rule.key] ?? '');
    return next({ ...message, conflationKey: keyValue });
  }

  private ruleFor(destination: string): StompConflationRule | null {
    let rule = this.rules.get(destination);
    if (rule === undefined) {
      rule = this.conflate.find((r) => this.matcher.match(r.destination, destination) !== null) ?? null;
      if (this.rules.size >= CACHE_LIMIT) this.rules.clear();
      this.rules.set(destination, rule);
    }
    return rule;
  }
}
