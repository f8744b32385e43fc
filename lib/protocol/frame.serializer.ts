import type { StompCommand, StompHeaders, StompVersion } from './frame.model.js';
import { commandIsEscapeExempt, escapeHeaderValue } from './header.codec.js';

const EMPTY = Buffer.alloc(0);
const EOL = /[\r\n]/;
const EOLS = /[\r\n]/g;
/** Set per delivery by `MessageFrameTemplate.render`, so never part of the shared block. */
const PER_DELIVERY = new Set(['subscription', 'message-id', 'ack', 'content-length']);

type Encode = (text: string) => string;

/**
 * Where no escaping applies (1.0, CONNECT/CONNECTED) a CR or LF cannot be represented; it is
 * replaced by a space so a header value can never inject headers or end the header block.
 */
const encodeRaw: Encode = (text) => (EOL.test(text) ? text.replace(EOLS, ' ') : text);
const encode11: Encode = (text) => escapeHeaderValue(text, '1.1');
const encode12: Encode = (text) => escapeHeaderValue(text, '1.2');

function encoderFor(command: StompCommand, version: StompVersion): Encode {
  if (version === '1.0' || commandIsEscapeExempt(command)) return encodeRaw;
  return version === '1.1' ? encode11 : encode12;
}

function headerLines(entries: Iterable<[string, string]>, encode: Encode): string {
  let out = '';
  for (const [name, value] of entries) {
    // Typed as string, but callers build headers from optional fields.
    if (value === undefined) continue;
    out += `${encode(name)}:${encode(value)}\n`;
  }
  return out;
}

/** Writes `head` (UTF-8) then `tail` into one new Buffer. */
function join(head: string, tail: Buffer, nulTerminated: boolean): Buffer {
  const headLength = Buffer.byteLength(head);
  const out = Buffer.allocUnsafe(headLength + tail.length + (nulTerminated ? 1 : 0));
  out.write(head, 0, 'utf8');
  tail.copy(out, headLength);
  if (nulTerminated) out[out.length - 1] = 0;
  return out;
}

/** Encodes one frame with LF line ends; `content-length` is always computed, never trusted from the caller. */
export function serializeFrame(
  command: StompCommand,
  headers: StompHeaders,
  body: Buffer | string | undefined,
  version: StompVersion,
): Buffer {
  const payload = body === undefined ? EMPTY : typeof body === 'string' ? Buffer.from(body, 'utf8') : body;
  const entries = Object.entries(headers).filter(([name]) => name !== 'content-length');
  let head = `${command}\n${headerLines(entries, encoderFor(command, version))}`;
  if (payload.length > 0 || headers['content-length'] !== undefined) head += `content-length:${payload.length}\n`;
  return join(`${head}\n`, payload, true);
}

/**
 * A MESSAGE serialised once for a whole fan-out: the broker may deliver one message to
 * thousands of subscribers, so the shared headers, content-length and body are encoded once per
 * escape mode (at most 3 cached Buffers) and each delivery only writes its own small prefix.
 */
export class MessageFrameTemplate {
  /** Body size in bytes. */
  readonly bodyLength: number;

  private readonly entries: [string, string][];
  private readonly shared: Partial<Record<StompVersion, Buffer>> = {};

  /** `headers` are those common to every delivery; subscription, message-id, ack and content-length are ignored. */
  constructor(
    headers: StompHeaders,
    private readonly body: Buffer,
  ) {
    // Snapshot now: the Buffers are built lazily and must not see later mutations.
    this.entries = Object.entries(headers).filter(([name]) => !PER_DELIVERY.has(name));
    this.bodyLength = body.length;
  }

  /** The cached shared header block + blank line + body + NUL for this version's escape mode. */
  sharedBytes(version: StompVersion): Buffer {
    let bytes = this.shared[version];
    if (bytes === undefined) {
      let head = headerLines(this.entries, encoderFor('MESSAGE', version));
      if (this.bodyLength > 0) head += `content-length:${this.bodyLength}\n`;
      bytes = join(`${head}\n`, this.body, true);
      this.shared[version] = bytes;
    }
    return bytes;
  }

  /** One subscriber's MESSAGE frame: its own prefix followed by the shared bytes. */
  render(subscriptionId: string, messageId: string, version: StompVersion, ack?: string): Buffer {
    const encode = encoderFor('MESSAGE', version);
    let head = `MESSAGE\nsubscription:${encode(subscriptionId)}\nmessage-id:${encode(messageId)}\n`;
    if (ack !== undefined) head += `ack:${encode(ack)}\n`;
    return join(head, this.sharedBytes(version), false);
  }
}
