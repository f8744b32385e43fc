import { StompProtocolError } from '../../errors/protocol.error.js';
import type { StompHeaders } from '../../../interfaces/stomp-frame.interface.js';
import { CLIENT_MESSAGES } from '../../stomp.messages.js';
import { PROTOCOL_HOP_HEADERS } from '../../inbound/forwarded.headers.js';

/** Our own headers through the broker; nothing from outside may set them. */
export const RESERVED_HEADER_PREFIX = 'x-nestjs-stomp-';

const MAX_UINT32 = 4_294_967_295;
const nonNegativeInt = (max: number) => (value: string) => /^\d{1,16}$/.test(value) && Number(value) <= max;

/** Where a `reply-to` may point: RabbitMQ refuses other `/...` values, and a `/temp-queue/` one would make it create a queue on the relay's shared connection. */
const REPLY_TO = /^(?:[^/].*|\/(?:queue|topic|amq\/queue|reply-queue)\/[^/]+|\/exchange\/[^/]+(?:\/[^/]+)?)$/s;

/**
 * Headers RabbitMQ reads as AMQP properties or queue arguments, and the values it takes (checked
 * against RabbitMQ 3.10). A bad `expiration` makes RabbitMQ close the connection, the relay's one
 * connection for every session; the others are refused with an ERROR and the message dropped.
 */
const RULES: ReadonlyMap<string, { test: (value: string) => boolean; expected: string }> = new Map([
  ['expiration', { test: nonNegativeInt(MAX_UINT32), expected: `milliseconds, an integer from 0 to ${MAX_UINT32}` }],
  ['priority', { test: nonNegativeInt(255), expected: 'an integer from 0 to 255' }],
  ['persistent', { test: (v: string) => v === 'true' || v === 'false', expected: "'true' or 'false'" }],
  ['timestamp', { test: nonNegativeInt(Number.MAX_SAFE_INTEGER), expected: 'a non-negative integer' }],
  ...['x-expires', 'x-max-length', 'x-max-length-bytes', 'x-max-priority', 'x-message-ttl'].map(
    (name) => [name, { test: nonNegativeInt(Number.MAX_SAFE_INTEGER), expected: 'a non-negative integer' }] as const,
  ),
  [
    'reply-to',
    { test: (v: string) => REPLY_TO.test(v), expected: "a name, or '/queue/<name>', '/topic/<name>', '/exchange/<name>[/<key>]'" },
  ],
  // RabbitMQ checks it against the relay's own login: any value from a client is a forgery or a connection killer.
  ['user-id', { test: () => false, expected: 'not set (the broker connection is shared)' }],
]);

/**
 * The headers of a message on its way to RabbitMQ: hop and reserved headers dropped, every value
 * RabbitMQ would refuse refused here first, with an ERROR for the sender only.
 */
export function relayedHeaders(headers: StompHeaders): StompHeaders {
  const kept: StompHeaders = {};
  for (const name in headers) {
    // The relay writes its own hop headers; RabbitMQ refuses `message-id` and an unknown `transaction` on a SEND.
    if (PROTOCOL_HOP_HEADERS.has(name) || name.startsWith(RESERVED_HEADER_PREFIX)) continue;
    const value = headers[name];
    const rule = RULES.get(name);
    if (rule && !rule.test(value)) {
      throw new StompProtocolError('INVALID_HEADER', CLIENT_MESSAGES.invalidRelayHeader(name, value, rule.expected), {}, false);
    }
    kept[name] = value;
  }
  return kept;
}
