import type { MessageFrames } from '../../interfaces/message-broker.interface.js';
// Imported, not the global: `Buffer` on globalThis is an accessor, which every hot-path use would call.
import { Buffer, isUtf8 } from 'node:buffer';
import type { StompCommand, StompHeaders, StompVersion } from '../../interfaces/stomp-frame.interface.js';
import { commandIsEscapeExempt, escapeHeaderValue } from './header.codec.js';

const EMPTY = Buffer.alloc(0);
const LF = 0x0a;
const ACK_NAME = Buffer.from('ack:');
const EOL = /[\r\n]/;
const EOLS = /[\r\n]/g;
/** Distinct subscription ids (per version) whose shared frame one fan-out message keeps; past it each delivery renders its own. */
const SHARED_FRAMES_KEPT = 64;
/** Server-wide, so a fan-out message's one id never names another message, whichever session sees both. */
let fanOutMessages = 0;
/**
 * Set on a MESSAGE whose body was not UTF-8 and went over a text-only transport (SockJS) with each
 * invalid sequence replaced by U+FFFD; `content-length` then counts the replaced bytes.
 */
export const BODY_REPLACED_HEADER = 'x-body-replaced';
/** Set per delivery by `MessageFrameTemplate.render`, or by the server alone, so never taken from the caller. */
const NOT_SHARED = new Set(['subscription', 'message-id', 'ack', 'content-length', BODY_REPLACED_HEADER]);

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

/**
 * The start of every MESSAGE one subscription receives: the command, its `subscription` header and
 * the name of `message-id`, encoded once per subscription (MessageFrameTemplate.renderPrefixed).
 */
export function messagePrefix(subscriptionId: string, version: StompVersion): Buffer {
  return Buffer.from(`MESSAGE\nsubscription:${encoderFor('MESSAGE', version)(subscriptionId)}\nmessage-id:`, 'utf8');
}

/** Writes an ASCII string (digits) byte by byte: cheaper than a UTF-8 encode for a few characters. */
function writeAscii(out: Buffer, at: number, text: string): number {
  for (let i = 0; i < text.length; i++) out[at++] = text.charCodeAt(i);
  return at;
}

/**
 * True when a MESSAGE must travel as a WebSocket binary message: declared octet-stream, or a body that is
 * not UTF-8 (a text message must be valid UTF-8, RFC 6455 §8.1, or the client closes with 1007).
 */
export function travelsAsBinary(contentType: string | undefined, bodyIsUtf8: () => boolean): boolean {
  return (contentType !== undefined && contentType.startsWith('application/octet-stream')) || !bodyIsUtf8();
}

/** The body a text-only transport can carry: invalid UTF-8 sequences replaced by U+FFFD (as TextDecoder does). */
function replaceInvalidUtf8(body: Buffer): Buffer {
  return Buffer.from(body.toString('utf8'), 'utf8');
}

/**
 * Encodes one frame with LF line ends; `content-length` is always computed, never trusted from the caller.
 * `textOnly`: the frame goes over a transport that carries text only, so a body that is not UTF-8 is
 * replaced (and marked) here, where content-length is computed, not later by a decoder.
 */
export function serializeFrame(
  command: StompCommand,
  headers: StompHeaders,
  body: Buffer | string | undefined,
  version: StompVersion,
  textOnly = false,
): Buffer {
  let payload = body === undefined ? EMPTY : typeof body === 'string' ? Buffer.from(body, 'utf8') : body;
  let entries = Object.entries(headers).filter(([name]) => name !== 'content-length' && name !== BODY_REPLACED_HEADER);
  if (textOnly && Buffer.isBuffer(body) && !isUtf8(body)) {
    payload = replaceInvalidUtf8(body);
    entries = [...entries, [BODY_REPLACED_HEADER, 'utf8']];
  }
  let head = `${command}\n${headerLines(entries, encoderFor(command, version))}`;
  if (payload.length > 0 || headers['content-length'] !== undefined) head += `content-length:${payload.length}\n`;
  return join(`${head}\n`, payload, true);
}

/**
 * A MESSAGE serialised once for a whole fan-out: the broker may deliver one message to
 * thousands of subscribers, so the shared headers, content-length and body are encoded once per
 * escape mode (at most 3 cached Buffers) and each delivery only writes its own small prefix.
 * Whether the body is UTF-8 is also decided once, on first need: it picks the WebSocket message
 * type and, for text-only transports, whether a replaced copy (a second template) is needed.
 */
export class MessageFrameTemplate implements MessageFrames {
  /** Body size in bytes. */
  readonly bodyLength: number;

  private readonly entries: [string, string][];
  private readonly shared: Partial<Record<StompVersion, Buffer>> = {};
  private readonly contentType: string | undefined;
  private utf8: boolean | undefined;
  private asBinary: boolean | undefined;
  private replaced: MessageFrameTemplate | undefined;
  private id: string | undefined;
  private readonly frames: Partial<Record<StompVersion, Map<string, Buffer>>> = {};
  private framesKept = 0;
  private lastId: string | undefined;
  private lastVersion: StompVersion | undefined;
  private lastFrame: Buffer | undefined;

  /**
   * `headers` are those common to every delivery; subscription, message-id, ack, content-length
   * and x-body-replaced are ignored. `fanOut`: a broker's broadcast, whose `auto` deliveries share
   * one frame per subscription id (renderShared); not for messages kept for later (history, queues).
   */
  constructor(
    headers: StompHeaders,
    private readonly body: Buffer,
    readonly fanOut = false,
  ) {
    // Snapshot now: the Buffers are built lazily and must not see later mutations.
    this.entries = Object.entries(headers).filter(([name]) => !NOT_SHARED.has(name));
    this.bodyLength = body.length;
    this.contentType = headers['content-type'];
  }

  /** True when the body is valid UTF-8, so a text transport can carry it as it is. */
  get bodyIsUtf8(): boolean {
    return (this.utf8 ??= isUtf8(this.body));
  }

  /** Sent as a WebSocket binary message where the transport has them (see travelsAsBinary). */
  get binary(): boolean {
    // Asked once per delivery: decided once per message (small enough to be inlined into the caller).
    return this.asBinary ?? this.decideBinary();
  }

  private decideBinary(): boolean {
    return (this.asBinary = travelsAsBinary(this.contentType, () => this.bodyIsUtf8));
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

  /**
   * One subscriber's MESSAGE, the fan-out's hot path: `prefix` (messagePrefix, cached by the session)
   * and `messageId` (ASCII with nothing to escape: digits, or a broadcast's b<digits>) are copied as bytes, with no string building
   * or UTF-8 encoding per delivery; the ack header repeats the id where `withAck`. `textOnly` as renderText.
   */
  renderPrefixed(prefix: Buffer, messageId: string, version: StompVersion, withAck: boolean, textOnly: boolean): Buffer {
    if (textOnly && !this.bodyIsUtf8) return this.replacedTemplate().renderPrefixed(prefix, messageId, version, withAck, false);
    const shared = this.sharedBytes(version);
    const idLength = messageId.length + 1;
    const out = Buffer.allocUnsafe(prefix.length + idLength + (withAck ? ACK_NAME.length + idLength : 0) + shared.length);
    out.set(prefix, 0);
    let at = writeAscii(out, prefix.length, messageId);
    out[at++] = LF;
    if (withAck) {
      out.set(ACK_NAME, at);
      at = writeAscii(out, at + ACK_NAME.length, messageId);
      out[at++] = LF;
    }
    out.set(shared, at);
    return out;
  }

  /** The message-id of every shared frame of this message (renderShared), the same for all its subscribers. */
  get fanOutMessageId(): string {
    return this.id ?? (this.id = `b${++fanOutMessages}`);
  }

  /**
   * The MESSAGE of every subscriber with this subscription id and version and no ack header: one Buffer
   * for all of them (never written to once made), as a broadcast needs no per-session id without ACKs.
   */
  renderShared(subscriptionId: string, version: StompVersion, textOnly: boolean): Buffer {
    if (textOnly && !this.bodyIsUtf8) {
      const replaced = this.replacedTemplate();
      replaced.id = this.fanOutMessageId;
      return replaced.renderShared(subscriptionId, version, false);
    }
    // Most subscribers of a broadcast share one id and version: the last frame is asked before the map.
    if (subscriptionId === this.lastId && version === this.lastVersion) return this.lastFrame!;
    const byId = (this.frames[version] ??= new Map<string, Buffer>());
    let frame = byId.get(subscriptionId);
    if (frame === undefined) {
      frame = this.renderPrefixed(messagePrefix(subscriptionId, version), this.fanOutMessageId, version, false, false);
      if (this.framesKept++ < SHARED_FRAMES_KEPT) byId.set(subscriptionId, frame);
    }
    this.lastId = subscriptionId;
    this.lastVersion = version;
    return (this.lastFrame = frame);
  }

  /**
   * The frame for a text-only transport: valid UTF-8 whatever the body. A UTF-8 body shares the bytes
   * of `render`; any other is replaced once per message (U+FFFD, marked x-body-replaced:utf8) with a
   * content-length for the replaced bytes, so a reader can never be made to stop inside the body.
   */
  renderText(subscriptionId: string, messageId: string, version: StompVersion, ack?: string): Buffer {
    if (this.bodyIsUtf8) return this.render(subscriptionId, messageId, version, ack);
    return this.replacedTemplate().render(subscriptionId, messageId, version, ack);
  }

  /** The same message with its body replaced for text-only transports, made once. */
  private replacedTemplate(): MessageFrameTemplate {
    if (this.replaced === undefined) {
      this.replaced = new MessageFrameTemplate(Object.fromEntries(this.entries), replaceInvalidUtf8(this.body));
      // Past the constructor, which drops the header from callers.
      this.replaced.entries.push([BODY_REPLACED_HEADER, 'utf8']);
    }
    return this.replaced;
  }
}
