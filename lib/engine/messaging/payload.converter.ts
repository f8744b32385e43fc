import type { StompHeaders } from '../../interfaces/stomp-frame.interface.js';

/** A payload turned into a STOMP body, with the content type that says how. */
export interface ConvertedPayload {
  body: Buffer;
  contentType: string;
}

/**
 * Spring's default converters: strings as `text/plain`, Buffers (and typed arrays) as
 * `application/octet-stream`, everything else as JSON.
 */
export function convertPayload(payload: unknown): ConvertedPayload {
  if (typeof payload === 'string') return { body: Buffer.from(payload, 'utf8'), contentType: 'text/plain;charset=UTF-8' };
  if (Buffer.isBuffer(payload)) return { body: payload, contentType: 'application/octet-stream' };
  if (payload instanceof Uint8Array)
    return { body: Buffer.from(payload.buffer, payload.byteOffset, payload.byteLength), contentType: 'application/octet-stream' };
  const json = JSON.stringify(payload);
  if (json === undefined) throw new TypeError(`Cannot convert a ${typeof payload} payload to a STOMP body`);
  return { body: Buffer.from(json, 'utf8'), contentType: 'application/json' };
}

/** The MESSAGE headers for a converted payload: the caller's headers win over the content type we chose. */
export function messageHeaders(converted: ConvertedPayload, headers: Record<string, string | number | boolean> | undefined): StompHeaders {
  const result: StompHeaders = { 'content-type': converted.contentType };
  if (headers) {
    for (const name in headers) result[name] = String(headers[name]);
  }
  return result;
}
