import type { StompHeaders } from '../../interfaces/stomp-frame.interface.js';

/** STOMP headers of one hop of the protocol: each hop (a session, the relay's broker connection) writes its own. */
export const PROTOCOL_HOP_HEADERS: ReadonlySet<string> = new Set([
  'destination',
  'receipt',
  'transaction',
  'content-length',
  'subscription',
  'message-id',
  'ack',
  'id',
]);

/**
 * Never copied from a SEND onto a MESSAGE: the hop headers, and headers only the server may set (who the
 * user or session is, redelivery, receipts), which a publisher could forge.
 */
const HOP_HEADERS: ReadonlySet<string> = new Set([
  ...PROTOCOL_HOP_HEADERS,
  'login',
  'passcode',
  'user-name',
  'session',
  'redelivered',
  'receipt-id',
]);
/** Stream positions (`x-stream-offset`, `-epoch`, `-gap`, ...) are the server's to set. */
const SERVER_HEADER_PREFIX = 'x-stream-';

/** The headers of a client's SEND that travel on to subscribers. */
export function forwardedHeaders(headers: StompHeaders): StompHeaders {
  const forwarded: StompHeaders = {};
  for (const name in headers) {
    if (!HOP_HEADERS.has(name) && !name.startsWith(SERVER_HEADER_PREFIX)) forwarded[name] = headers[name];
  }
  return forwarded;
}
