import { StompProtocolError } from '../errors/protocol.error.js';
import type { StompVersion } from '../../interfaces/stomp-frame.interface.js';
import { CLIENT_MESSAGES } from '../stomp.messages.js';

// Non-global regexes: `test` keeps no lastIndex state, so they are safe to share.
const NEEDS_ESCAPE_11 = /[\\\n:]/;
const NEEDS_ESCAPE_12 = /[\\\r\n:]/;

/** Escapes a header name or value for the wire (STOMP 1.1/1.2 "Value Encoding"); 1.0 has no escaping. */
export function escapeHeaderValue(value: string, version: StompVersion): string {
  if (version === '1.0') return value;
  const strict = version === '1.2';
  if (!(strict ? NEEDS_ESCAPE_12 : NEEDS_ESCAPE_11).test(value)) return value;
  let out = '';
  let from = 0;
  for (let i = 0; i < value.length; i++) {
    let escaped: string | undefined;
    switch (value.charCodeAt(i)) {
      case 0x5c:
        escaped = '\\\\';
        break;
      case 0x0a:
        escaped = '\\n';
        break;
      case 0x3a:
        escaped = '\\c';
        break;
      case 0x0d:
        // 1.1 has no `\r` escape, so a CR goes out raw there.
        if (strict) escaped = '\\r';
        break;
    }
    if (escaped !== undefined) {
      out += value.slice(from, i) + escaped;
      from = i + 1;
    }
  }
  return out + value.slice(from);
}

/**
 * Decodes a header name or value in one pass, as Spring's `StompDecoder.unescape()`: an unknown
 * escape or a trailing backslash is a protocol error (it cannot round-trip).
 */
export function unescapeHeaderValue(raw: string, version: StompVersion): string {
  if (version === '1.0') return raw;
  let slash = raw.indexOf('\\');
  if (slash < 0) return raw;
  let out = '';
  let from = 0;
  while (slash >= 0) {
    let decoded: string | undefined;
    switch (raw[slash + 1]) {
      case 'n':
        decoded = '\n';
        break;
      case 'c':
        decoded = ':';
        break;
      case '\\':
        decoded = '\\';
        break;
      case 'r':
        if (version === '1.2') decoded = '\r';
        break;
    }
    if (decoded === undefined) {
      throw new StompProtocolError('BAD_ESCAPE', CLIENT_MESSAGES.badEscape(raw));
    }
    out += raw.slice(from, slash) + decoded;
    from = slash + 2;
    slash = raw.indexOf('\\', from);
  }
  return out + raw.slice(from);
}

/** CONNECT, STOMP and CONNECTED headers are never escaped (STOMP 1.2), so 1.0 clients can read CONNECTED. */
export function commandIsEscapeExempt(command: string): boolean {
  return command === 'CONNECT' || command === 'STOMP' || command === 'CONNECTED';
}
