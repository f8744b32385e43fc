import { StompProtocolError } from '../errors/protocol.error.js';
import type { AckMode } from '../../interfaces/stomp-session.interface.js';
import type { StompFrame, StompHeaders, StompVersion } from '../../interfaces/stomp-frame.interface.js';
import type { SessionSubscription } from '../../interfaces/stomp-session.interface.js';
import { CLIENT_MESSAGES } from '../stomp.messages.js';

const SERVER_NAME = 'nestjs-stomp';
/** To the program's own strings: a subscription then keeps no copy of its frame's header value. */
const ACK_MODES: ReadonlyMap<string, AckMode> = new Map((['auto', 'client', 'client-individual'] as const).map((mode) => [mode, mode]));

// The headers a session reads from client frames (as each STOMP version defines them) and those of its CONNECTED.

/** CONNECTED's headers: the version, the heart-beat the server offers, the server, the session id and the user when known. */
export function connectedHeaders(
  version: StompVersion,
  heartBeat: [number, number],
  sessionId: string,
  userName: string | undefined,
): StompHeaders {
  const headers: StompHeaders = { version, 'heart-beat': `${heartBeat[0]},${heartBeat[1]}`, server: SERVER_NAME, session: sessionId };
  if (userName !== undefined) headers['user-name'] = userName;
  return headers;
}

/** A header the frame must carry, not empty. */
export function required(frame: StompFrame, header: string): string {
  const value = frame.headers[header];
  if (value === undefined || value === '') {
    throw new StompProtocolError('MISSING_HEADER', CLIENT_MESSAGES.missingHeader(frame.command, header));
  }
  return value;
}

/** The subscription a SUBSCRIBE asks for; STOMP 1.0 made the id optional, the destination then names it. */
export function subscriptionOf(frame: StompFrame, version: StompVersion | undefined): SessionSubscription {
  const destination = required(frame, 'destination');
  const id = version === '1.0' ? (frame.headers.id ?? destination) : required(frame, 'id');
  const ackMode = ACK_MODES.get(frame.headers.ack ?? 'auto');
  if (!ackMode) throw new StompProtocolError('MALFORMED_HEADER', CLIENT_MESSAGES.badAckMode(frame.headers.ack!));
  return { id, destination, ackMode };
}

/** A SUBSCRIBE's subscription, refused when its id is taken or the session holds `limit` already. */
export function newSubscriptionOf(
  frame: StompFrame,
  version: StompVersion | undefined,
  existing: ReadonlyMap<string, SessionSubscription>,
  limit: number,
): SessionSubscription {
  const subscription = subscriptionOf(frame, version);
  const { id } = subscription;
  if (existing.has(id)) throw new StompProtocolError('DUPLICATE_SUBSCRIPTION', CLIENT_MESSAGES.subscriptionInUse(id));
  if (existing.size >= limit) throw new StompProtocolError('TOO_MANY_SUBSCRIPTIONS', CLIENT_MESSAGES.tooManySubscriptions(limit));
  return subscription;
}

export function unsubscribeIdOf(frame: StompFrame, version: StompVersion | undefined): string {
  return version === '1.0' ? (frame.headers.id ?? required(frame, 'destination')) : required(frame, 'id');
}

/** ACK/NACK name the message by `id` in 1.2, by `message-id` before. */
export function ackIdOf(frame: StompFrame, version: StompVersion | undefined): string {
  return version === '1.2' ? required(frame, 'id') : required(frame, 'message-id');
}
