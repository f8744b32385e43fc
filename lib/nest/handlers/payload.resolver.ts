import { StompException } from '../../engine/errors/stomp.exception.js';

/**
 * Turns a frame body into the handler's payload by its `content-type`, as Spring's default
 * converters do: JSON → value, `text/*` → string, anything else → Buffer. Without a content type,
 * a body that parses as a JSON object or array is that, otherwise a string.
 */
export function resolvePayload(body: Buffer, contentType: string | undefined): unknown {
  if (contentType === undefined || contentType.trim() === '') return guess(body.toString('utf8'));
  const mime = contentType.split(';', 1)[0].trim().toLowerCase();
  if (mime === 'application/json' || mime.endsWith('+json')) return parseJson(body);
  if (mime.startsWith('text/')) return body.toString('utf8');
  return body;
}

function parseJson(body: Buffer): unknown {
  if (body.length === 0) return undefined;
  try {
    return JSON.parse(body.toString('utf8'));
  } catch {
    throw new StompException('Malformed JSON payload');
  }
}

function guess(text: string): unknown {
  const first = text.trimStart()[0];
  if (first !== '{' && first !== '[') return text;
  try {
    const value: unknown = JSON.parse(text);
    return typeof value === 'object' && value !== null ? value : text;
  } catch {
    return text;
  }
}
