/** Stable codes for every way a client can break the protocol or a limit; each ends the session with an ERROR frame. */
export type ProtocolErrorCode =
  | 'FRAME_TOO_LARGE'
  | 'TOO_MANY_HEADERS'
  | 'HEADER_TOO_LONG'
  | 'MALFORMED_HEADER'
  | 'BAD_ESCAPE'
  | 'BAD_CONTENT_LENGTH'
  | 'MISSING_NUL'
  | 'UNKNOWN_COMMAND'
  | 'UNSUPPORTED_VERSION'
  | 'NOT_CONNECTED'
  | 'ALREADY_CONNECTED'
  | 'MISSING_HEADER'
  | 'DUPLICATE_SUBSCRIPTION'
  | 'UNKNOWN_SUBSCRIPTION'
  | 'TOO_MANY_SUBSCRIPTIONS'
  | 'UNKNOWN_TRANSACTION'
  | 'DUPLICATE_TRANSACTION'
  | 'TOO_MANY_TRANSACTIONS'
  | 'TRANSACTION_TOO_LARGE'
  | 'INBOUND_BACKLOG'
  | 'CONNECT_TIMEOUT'
  | 'HEARTBEAT_TIMEOUT'
  | 'UNKNOWN_DESTINATION'
  | 'FORBIDDEN_DESTINATION'
  | 'AUTHENTICATION_FAILED'
  | 'BROKER_UNAVAILABLE'
  // Broker relay: a header value RabbitMQ would refuse; a frame the broker answered with an ERROR.
  | 'INVALID_HEADER'
  | 'BROKER_REFUSED'
  | 'PATTERN_TOO_COMPLEX'
  | 'TOO_MANY_PATTERN_SUBSCRIPTIONS';

/**
 * A protocol violation or limit hit by a client. Its `message` is written for the client
 * (it becomes the ERROR frame's `message` header), so it never carries internal detail.
 */
export class StompProtocolError extends Error {
  override readonly name = 'StompProtocolError';

  constructor(
    readonly code: ProtocolErrorCode,
    message: string,
    /** Extra headers for the ERROR frame, e.g. `version` when no common version exists. */
    readonly headers: Record<string, string> = {},
    /** False for refusals the app reports on the error destination while the session goes on. */
    readonly fatal = true,
  ) {
    super(message);
  }
}

const MAX_ECHOED_CHARS = 40;

/** Shortens client-supplied text before it is echoed in an ERROR message. */
export function clipForError(text: string): string {
  return text.length > MAX_ECHOED_CHARS ? `${text.slice(0, MAX_ECHOED_CHARS)}...` : text;
}
