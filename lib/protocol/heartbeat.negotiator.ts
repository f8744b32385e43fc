import { StompProtocolError } from '../errors/protocol.error.js';

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
    throw new StompProtocolError('MALFORMED_HEADER', 'Invalid heart-beat header');
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
