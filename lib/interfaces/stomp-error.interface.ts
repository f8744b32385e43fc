/**
 * Stable codes for every way a client can break the protocol or a limit, and for every other reason
 * an ERROR frame is sent. Each ERROR frame carries its code in a `code` header beside `message`.
 */
export type ProtocolErrorCode =
  | 'FRAME_TOO_LARGE'
  | 'TOO_MANY_HEADERS'
  | 'HEADER_TOO_LONG'
  | 'MALFORMED_HEADER'
  | 'BAD_ESCAPE'
  | 'BAD_CONTENT_LENGTH'
  | 'MISSING_NUL'
  | 'UNKNOWN_COMMAND'
  // A transport message that cannot hold a frame (a SockJS message array with a number or an object in it).
  | 'MALFORMED_FRAME'
  | 'UNSUPPORTED_VERSION'
  | 'NOT_CONNECTED'
  | 'ALREADY_CONNECTED'
  | 'MISSING_HEADER'
  | 'DUPLICATE_SUBSCRIPTION'
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
  | 'TOO_MANY_PATTERN_SUBSCRIPTIONS'
  // Point-to-point queues: a SEND the queue has no room for; a SUBSCRIBE pattern over queue destinations.
  | 'QUEUE_FULL'
  | 'QUEUE_PATTERN'
  // A handler refused the message (StompException, HttpException 4xx, WsException, validation).
  | 'HANDLER_REFUSED'
  // Anything the client is told only "Internal error" about.
  | 'INTERNAL_ERROR'
  | 'SERVER_SHUTDOWN';

/** `report`: errors go to the sender's error destination; `fatal`: ERROR frame and close (Spring-like strictness). */
export type HandlerErrorMode = 'report' | 'fatal';

/** The JSON body a client receives on its error destination (`/user/queue/errors`). */
export interface StompErrorBody {
  message: string;
  /** The destination of the frame that failed, as the client wrote it. */
  destination: string;
  /** The `receipt` header of that frame, so the client can match the error to it. */
  receipt?: string;
  [extra: string]: unknown;
}
