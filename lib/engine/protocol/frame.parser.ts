import { Buffer } from 'node:buffer';
import { StompProtocolError } from '../errors/protocol.error.js';
import { CLIENT_COMMANDS, SERVER_COMMANDS } from './frame.model.js';
import { type StompCommand, type StompFrame, type StompHeaders, type StompVersion } from '../../interfaces/stomp-frame.interface.js';
import { commandIsEscapeExempt, unescapeHeaderValue } from './header.codec.js';
import { CLIENT_MESSAGES } from '../stomp.messages.js';

/** Bounds on what one peer may make the parser buffer. */
export interface FrameParserLimits {
  /** Command line + headers + body (EOLs included, final NUL excluded). */
  maxFrameBytes: number;
  /** Header lines per frame, repeated names included. */
  maxHeaders: number;
  /** Bytes of one command or header line, EOL excluded. */
  maxHeaderLineBytes: number;
}

const LF = 0x0a;
const CR = 0x0d;
const NUL = 0x00;
const EMPTY = Buffer.alloc(0);
const DIGITS = /^\d+$/;
/** C0 control bytes but TAB: no place for them in a header, and a forwarded NUL ends a frame for clients that split on NUL
 * (stompjs 2.x), so a sender could inject one. LF ends the line and a bare CR is refused before this check. */
const CONTROL = /[\x00-\x08\x0a-\x1f]/;

type State = 'command' | 'headers' | 'body';

// Shared by every parser: a Set per session would cost ~0.5 KB each.
const NO_HEADERS = Object.freeze(Object.create(null)) as StompHeaders;
const CLIENT_COMMAND_SET: ReadonlySet<string> = new Set<string>(CLIENT_COMMANDS);
const SERVER_COMMAND_SET: ReadonlySet<string> = new Set<string>(SERVER_COMMANDS);

/**
 * Streaming STOMP frame decoder: an explicit state machine (as `ws`'s Receiver) that consumes only complete lines/bodies
 * and otherwise waits for more bytes. Chunks are kept in a list and scanned incrementally, so a frame arriving in many
 * small chunks is copied once, not re-joined on every push.
 */
export class FrameParser {
  /** Negotiated version; `undefined` before CONNECTED, when non-exempt headers use 1.2 rules. */
  version: StompVersion | undefined;

  private readonly commands: ReadonlySet<string>;
  private readonly chunks: Buffer[] = [];
  /** Bytes of `chunks[0]` already consumed: moving an offset costs nothing, a subarray per line a Buffer object. */
  private head = 0;
  private buffered = 0;
  // Resume point of the terminator search: bytes searched, the chunk holding that offset and its start (none searched twice).
  private scanned = 0;
  private scanChunk = 0;
  private scanChunkStart = 0;

  private state: State = 'command';
  private frameBytes = 0;
  private command: StompCommand = 'CONNECT';
  // A fresh null-prototype map per frame (a header named `__proto__` stays a header); between frames none is held,
  // which keeps idle sessions small and lets the CONNECT frame's passcode go.
  private headers: StompHeaders = NO_HEADERS;
  private headerCount = 0;
  private contentLength = -1;
  private error: StompProtocolError | undefined;

  constructor(
    private readonly limits: FrameParserLimits,
    private readonly onFrame: (frame: StompFrame) => void,
    accept: 'client' | 'server' = 'client',
  ) {
    this.commands = accept === 'client' ? CLIENT_COMMAND_SET : SERVER_COMMAND_SET;
  }

  /** Bytes received but not yet part of an emitted frame. */
  get bufferedBytes(): number {
    return this.buffered;
  }

  /** Feeds bytes (strings as UTF-8); emits every completed frame; throws StompProtocolError, after which the parser stays dead. */
  push(chunk: Buffer | string): void {
    if (this.error) throw this.error;
    // SockJS hands on whatever JSON the client put in its message array: a number or an object is not a frame.
    if (typeof chunk !== 'string' && !Buffer.isBuffer(chunk)) {
      throw new StompProtocolError('MALFORMED_FRAME', CLIENT_MESSAGES.notText(typeof chunk));
    }
    const bytes = typeof chunk === 'string' ? Buffer.from(chunk, 'utf8') : chunk;
    if (bytes.length === 0) return;
    this.chunks.push(bytes);
    this.buffered += bytes.length;
    try {
      this.run();
    } catch (err) {
      if (err instanceof StompProtocolError) {
        this.error = err;
        this.chunks.length = 0;
        this.head = 0;
        this.buffered = 0;
      }
      throw err;
    }
  }

  private run(): void {
    for (;;) {
      if (this.state === 'body') {
        if (!this.readBody()) return;
        continue;
      }
      const line = this.readLine();
      if (line === undefined) return;
      if (this.state === 'command') this.onCommandLine(line);
      else this.onHeaderLine(line);
    }
  }

  /** Returns the next line (UTF-8 decoded) without its EOL, or undefined while it is incomplete. */
  private readLine(): string | undefined {
    const { maxHeaderLineBytes } = this.limits;
    const lf = this.find(LF);
    if (lf < 0) {
      // Fail before the LF arrives; one extra byte is allowed if it may be the CR of a CRLF.
      const pending = this.buffered;
      if (pending > maxHeaderLineBytes + 1 || (pending === maxHeaderLineBytes + 1 && this.lastByte() !== CR)) {
        throw new StompProtocolError('HEADER_TOO_LONG', CLIENT_MESSAGES.headerTooLong);
      }
      this.checkFrameSize(pending);
      return undefined;
    }
    let line = this.consumeText(lf + 1);
    // Decoded with its LF; a CR is one byte and one character whatever the rest, so the byte count follows.
    const crlf = lf > 0 && line.charCodeAt(line.length - 2) === CR;
    const end = crlf ? lf - 1 : lf;
    line = line.slice(0, line.length - (crlf ? 2 : 1));
    // An empty line before a command is a heart-beat, not part of any frame.
    if (end === 0 && this.state === 'command') return '';
    if (end > maxHeaderLineBytes) throw new StompProtocolError('HEADER_TOO_LONG', CLIENT_MESSAGES.headerTooLong);
    this.frameBytes += lf + 1;
    this.checkFrameSize(0);
    if (line.indexOf('\r') >= 0) throw new StompProtocolError('MALFORMED_HEADER', CLIENT_MESSAGES.bareCr);
    return line;
  }

  private onCommandLine(name: string): void {
    if (name.length === 0) return;
    if (!this.commands.has(name)) throw new StompProtocolError('UNKNOWN_COMMAND', CLIENT_MESSAGES.unknownCommand(name));
    this.command = name as StompCommand;
    this.headers = Object.create(null) as StompHeaders;
    this.headerCount = 0;
    this.contentLength = -1;
    this.state = 'headers';
  }

  private onHeaderLine(text: string): void {
    if (text.length === 0) {
      if (this.contentLength >= 0) this.checkFrameSize(this.contentLength);
      this.state = 'body';
      return;
    }
    if (++this.headerCount > this.limits.maxHeaders) throw new StompProtocolError('TOO_MANY_HEADERS', CLIENT_MESSAGES.tooManyHeaders);
    const control = CONTROL.exec(text);
    if (control) throw controlByteError(control[0].charCodeAt(0));
    const colon = text.indexOf(':');
    if (colon < 0) throw new StompProtocolError('MALFORMED_HEADER', CLIENT_MESSAGES.headerWithoutColon);
    let name = text.slice(0, colon);
    let value = text.slice(colon + 1);
    const version = this.version ?? '1.2';
    if (version === '1.0') {
      name = name.trim();
      value = value.trim();
    } else if (!commandIsEscapeExempt(this.command)) {
      name = unescapeHeaderValue(name, version);
      value = unescapeHeaderValue(value, version);
    }
    if (name === '') throw new StompProtocolError('MALFORMED_HEADER', CLIENT_MESSAGES.emptyHeaderName);
    // `user-name ` is not `user-name` to us, but a client that trims would read it as the server's header.
    if (name !== name.trim()) {
      throw new StompProtocolError('MALFORMED_HEADER', CLIENT_MESSAGES.paddedHeaderName(name));
    }
    if (name in this.headers) return; // STOMP 1.2: the first of repeated headers wins
    this.headers[name] = value;
    if (name === 'content-length') {
      if (!DIGITS.test(value)) throw new StompProtocolError('BAD_CONTENT_LENGTH', CLIENT_MESSAGES.badContentLength);
      this.contentLength = Number(value);
      // Later header lines only add bytes, so an oversized declaration can fail right away.
      this.checkFrameSize(this.contentLength);
    }
  }

  /** Emits the frame once its body and NUL are buffered; returns false while waiting. */
  private readBody(): boolean {
    let body: Buffer;
    if (this.contentLength >= 0) {
      if (this.buffered < this.contentLength + 1) return false;
      body = this.consume(this.contentLength);
      if (this.chunks[0][this.head] !== NUL) throw new StompProtocolError('MISSING_NUL', CLIENT_MESSAGES.missingNul);
      this.skip(1);
    } else {
      const nul = this.find(NUL);
      if (nul < 0) {
        this.checkFrameSize(this.buffered);
        return false;
      }
      this.checkFrameSize(nul);
      body = this.consume(nul);
      this.skip(1);
    }
    const frame: StompFrame = { command: this.command, headers: this.headers, body };
    this.headers = NO_HEADERS;
    this.state = 'command';
    this.frameBytes = 0;
    this.onFrame(frame);
    return true;
  }

  private checkFrameSize(more: number): void {
    if (this.frameBytes + more > this.limits.maxFrameBytes) throw new StompProtocolError('FRAME_TOO_LARGE', CLIENT_MESSAGES.frameTooLarge);
  }

  /** Absolute offset of the first `byte` in the buffer, resuming where the previous search stopped. */
  private find(byte: number): number {
    const { chunks } = this;
    let start = this.scanChunkStart;
    let from = this.scanned - start;
    for (let i = this.scanChunk; i < chunks.length; i++) {
      const skip = i === 0 ? this.head : 0;
      const at = chunks[i].indexOf(byte, from + skip) - skip;
      if (at >= 0) {
        this.scanChunk = i;
        this.scanChunkStart = start;
        this.scanned = start + at;
        return start + at;
      }
      start += chunks[i].length - skip;
      from = 0;
    }
    this.scanChunk = chunks.length;
    this.scanChunkStart = start;
    this.scanned = start;
    return -1;
  }

  /** Removes `n` bytes from the front; copies only when they span several chunks. */
  private consume(n: number): Buffer {
    // The frame's NUL (or the line's LF) is still buffered, so there is always a first chunk.
    const first = this.chunks[0];
    const head = this.head;
    if (n <= first.length - head) {
      this.skip(n);
      return n === 0 ? EMPTY : first.subarray(head, head + n);
    }
    const out = Buffer.allocUnsafe(n);
    let copied = 0;
    for (let i = 0; copied < n; i++) {
      const chunk = this.chunks[i];
      const from = i === 0 ? head : 0;
      const take = Math.min(chunk.length - from, n - copied);
      chunk.copy(out, copied, from, from + take);
      copied += take;
    }
    this.skip(n);
    return out;
  }

  /** The next `n` bytes as UTF-8 text, decoded in place when they lie in one chunk (as a header line does). */
  private consumeText(n: number): string {
    const first = this.chunks[0];
    const head = this.head;
    if (n > first.length - head) return this.consume(n).toString('utf8');
    this.skip(n);
    return first.toString('utf8', head, head + n);
  }

  /** Drops `n` buffered bytes from the front. */
  private skip(n: number): void {
    this.buffered -= n;
    this.scanned = this.scanChunk = this.scanChunkStart = 0;
    const { chunks } = this;
    let left = n;
    while (left > 0) {
      const rest = chunks[0].length - this.head;
      if (left < rest) {
        this.head += left;
        return;
      }
      left -= rest;
      // length = 0 lets the array's slots go (an optimised shift keeps them): an idle session's parser holds none.
      if (chunks.length === 1) chunks.length = 0;
      else chunks.shift();
      this.head = 0;
    }
  }

  private lastByte(): number {
    const last = this.chunks[this.chunks.length - 1];
    return last[last.length - 1];
  }
}

function controlByteError(byte: number): StompProtocolError {
  const what = byte === NUL ? 'a NUL byte' : `control byte 0x${byte.toString(16).padStart(2, '0')}`;
  return new StompProtocolError('MALFORMED_HEADER', CLIENT_MESSAGES.headerContains(what));
}
