import type { StompHeaders } from '../../../interfaces/stomp-frame.interface.js';
import { RESERVED_HEADER_PREFIX } from './relay-headers.validator.js';

/** Who a user message is for, and its user destination, carried through the broker in reserved headers. */
export const USER_HEADER = `${RESERVED_HEADER_PREFIX}user`;
export const USER_DESTINATION_HEADER = `${RESERVED_HEADER_PREFIX}user-destination`;

/** Header carrying our own destination through the broker, so a receiving node need not reverse the mapping. */
export const ORIGINAL_DESTINATION = `${RESERVED_HEADER_PREFIX}destination`;
const BROKER_HOP_HEADERS: ReadonlySet<string> = new Set([
  'subscription',
  'message-id',
  'destination',
  'redelivered',
  'ack',
  'content-length',
  // RabbitMQ keeps a SEND's `receipt` among the message's headers.
  'receipt',
  ORIGINAL_DESTINATION,
  USER_HEADER,
  USER_DESTINATION_HEADER,
]);

/** What a MESSAGE from the broker keeps for our own subscribers: the broker's hop headers and ours go. */
export function withoutBrokerHeaders(headers: StompHeaders): StompHeaders {
  const kept: StompHeaders = {};
  for (const name in headers) if (!BROKER_HOP_HEADERS.has(name)) kept[name] = headers[name];
  return kept;
}

/**
 * Headers RabbitMQ reads as a queue declaration on a SEND to `/queue/...`: a value unlike the relay's
 * own would make it close the connection under every session (PRECONDITION_FAILED), so a client's go.
 */
const DECLARATION_HEADERS: ReadonlySet<string> = new Set([
  'durable',
  'persistent',
  'auto-delete',
  'exclusive',
  'x-queue-name',
  'x-queue-type',
  'x-expires',
  'x-max-length',
  'x-max-length-bytes',
  'x-max-priority',
  'x-message-ttl',
  'x-dead-letter-exchange',
  'x-dead-letter-routing-key',
]);

export function withoutDeclarationHeaders(headers: StompHeaders): StompHeaders {
  const kept: StompHeaders = {};
  for (const name in headers) if (!DECLARATION_HEADERS.has(name)) kept[name] = headers[name];
  return kept;
}
