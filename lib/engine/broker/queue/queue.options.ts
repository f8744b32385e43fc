import { StompOptionsError } from '../../errors/options.error.js';

/** The `queues` option: destination patterns (as the broker's) that are point-to-point queues (RabbitMQ queues with the relay). */
export function queuePatterns(value: unknown, brokerPrefixes: readonly string[]): string[] {
  if (value === undefined) return [];
  if (!Array.isArray(value) || !value.every((p) => typeof p === 'string' && p.length > 0)) {
    throw new StompOptionsError(
      `StompModule option 'queues' takes destination patterns such as ['/queue/**'], got ${JSON.stringify(value)}`,
    );
  }
  const outside = value.find((p: string) => brokerPrefixes.length > 0 && !brokerPrefixes.some((prefix) => p.startsWith(prefix)));
  if (outside !== undefined) {
    throw new StompOptionsError(
      `StompModule option 'queues': '${outside}' is under none of brokerPrefixes (${brokerPrefixes.join(', ')}), so no message would reach it`,
    );
  }
  return value as string[];
}

/** The `queueDeadLetterDestination` option: one exact broker destination (a pattern names no place to publish to). */
export function deadLetterDestination(value: unknown, brokerPrefixes: readonly string[]): string | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'string' || !value.startsWith('/') || /[*?{}]/.test(value)) {
    throw new StompOptionsError(
      `StompModule option 'queueDeadLetterDestination' takes one destination such as '/queue/dead-letters', got ${JSON.stringify(value)}`,
    );
  }
  if (brokerPrefixes.length > 0 && !brokerPrefixes.some((prefix) => value.startsWith(prefix))) {
    throw new StompOptionsError(
      `StompModule option 'queueDeadLetterDestination': '${value}' is under none of brokerPrefixes (${brokerPrefixes.join(', ')})`,
    );
  }
  return value;
}
