import { StompProtocolError } from '../errors/protocol.error.js';
import { CLIENT_MESSAGES } from '../stomp.messages.js';

const HEART_BEAT = /^\s*(\d+)\s*,\s*(\d+)\s*$/;
/** Node's timers overflow above 2^31-1 ms and then fire after 1 ms, which would flood the client. */
const MAX_INTERVAL_MS = 2 ** 31 - 1;

/** Parses a `heart-beat` header into [send, receive] milliseconds; absent means [0, 0]. */
export function parseHeartBeat(value: string | undefined): [number, number] {
  if (value === undefined) return [0, 0];
  const match = HEART_BEAT.exec(value);
  const send = match ? Number(match[1]) : NaN;
  const receive = match ? Number(match[2]) : NaN;
  if (!(send <= MAX_INTERVAL_MS && receive <= MAX_INTERVAL_MS)) {
    throw new StompProtocolError('MALFORMED_HEADER', CLIENT_MESSAGES.badHeartBeat);
  }
  return [send, receive];
}

/**
 * STOMP heart-beat negotiation from the server's side: it sends every max(sx, cy) and expects
 * client traffic every max(cx, sy), each 0 (off) when either side says 0. The caller applies
 * the grace factor to `receiveTimeoutMs`.
 */
export function negotiateHeartBeat(
  client: [number, number],
  server: [number, number],
): { sendIntervalMs: number; receiveTimeoutMs: number } {
  const [cx, cy] = client;
  const [sx, sy] = server;
  return {
    sendIntervalMs: sx > 0 && cy > 0 ? Math.max(sx, cy) : 0,
    receiveTimeoutMs: cx > 0 && sy > 0 ? Math.max(cx, sy) : 0,
  };
}

/** The server's heart-beat for one session: what CONNECTED offers, and the periods negotiated from it. */
export interface ServerHeartBeat {
  offer: [number, number];
  sendIntervalMs: number;
  receiveTimeoutMs: number;
}

/** From a client's CONNECT `heart-beat` header to what the server offers and then runs (see offerHeartBeat). */
export function serverHeartBeat(header: string | undefined, server: [number, number], floorMs: number): ServerHeartBeat {
  const client = parseHeartBeat(header);
  const offer = offerHeartBeat(client, server, floorMs);
  return { offer, ...negotiateHeartBeat(client, offer) };
}

/**
 * What the server offers in CONNECTED: its configured [sx, sy], lowered towards what the client
 * asks (never below `floorMs`), so a client that wants 1 s beats gets them and a client that
 * promised 1 s beats is held to it rather than to the server's longer default (RabbitMQ does the
 * same). A side the client turns off (0) keeps the configured value: negotiation turns it off anyway.
 */
export function offerHeartBeat(client: [number, number], server: [number, number], floorMs: number): [number, number] {
  const [cx, cy] = client;
  const [sx, sy] = server;
  return [cy > 0 ? Math.min(sx, Math.max(cy, floorMs)) : sx, cx > 0 ? Math.min(sy, Math.max(cx, floorMs)) : sy];
}
