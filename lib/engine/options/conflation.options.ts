import { StompOptionsError } from '../errors/options.error.js';
import type { StompConflationRule } from '../../interfaces/stomp-options.interface.js';

const EXAMPLE = "{ destination: '/topic/prices/**', key: 'symbol' }";

/** The `conflate` option as a list of rules: one rule or several, each a broker pattern and an optional key header. */
export function conflationRules(value: unknown): StompConflationRule[] {
  if (value === undefined) return [];
  const rules = Array.isArray(value) ? value : [value];
  return rules.map((rule: unknown) => {
    const { destination, key } = (rule ?? {}) as Partial<StompConflationRule>;
    if (
      typeof rule !== 'object' ||
      typeof destination !== 'string' ||
      destination === '' ||
      (key !== undefined && (typeof key !== 'string' || key === ''))
    ) {
      throw new StompOptionsError(`StompModule option 'conflate' takes rules such as ${EXAMPLE}, got ${JSON.stringify(rule)}`);
    }
    return key === undefined ? { destination } : { destination, key };
  });
}
