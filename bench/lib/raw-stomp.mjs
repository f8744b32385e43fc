// The load generator's own STOMP clients: just enough protocol, as cheap as possible per message.
// RawStompClient speaks STOMP over a raw WebSocket (npm `ws`); RawSockJsClient over SockJS
// xhr-streaming (plain `http`); RawSockJsWebSocketClient over SockJS's websocket transport. Both hand MESSAGE frames over as (Buffer|string, bodyStart)
// without parsing headers: the bench puts everything it needs in the body. Frames are built and
// control frames (CONNECTED, RECEIPT, ERROR) parsed by the codec the tests' raw client uses.
import http from 'node:http';
import WebSocket from 'ws';
import { parseStompText, stompFrame } from '../../test/fixtures/raw-stomp.codec.mjs';

const DOUBLE_LF = Buffer.from('\n\n');
const M = 0x4d; // MESSAGE
const R = 0x52; // RECEIPT
const C = 0x43; // CONNECTED
const E = 0x45; // ERROR

/** CONNECT without heart-beats; `headers` adds to it (the comet bench's `login`). */
export function connectFrame(headers = {}) {
  return stompFrame('CONNECT', { 'accept-version': '1.2', host: 'localhost', ...headers, 'heart-beat': '0,0' });
}

export const CONNECT_FRAME = connectFrame();

/** A SEND frame as a string (content-length counted in bytes). */
export function sendFrame(destination, body, contentType = 'text/plain') {
  return stompFrame('SEND', { destination, 'content-type': contentType, 'content-length': String(Buffer.byteLength(body)) }, body);
}

export function subscribeFrame(destination, id, receipt, headers = {}) {
  return stompFrame('SUBSCRIBE', { id, destination, ack: 'auto', ...headers, ...(receipt && { receipt }) });
}

/** Shared by both clients: receipts, CONNECTED, ERROR. */
class ClientBase {
  constructor() {
    this.onMessage = null; // (data: Buffer|string, bodyStart: number) => void
    this.onClose = null;
    this.receipts = new Map();
    this.receiptSeq = 0;
    this.errors = [];
    this.closed = false;
    this.expectedClose = false;
    this.connectedResolve = null;
    /** SockJS only: the session's `o` frame came; a `c` frame came. */
    this.opened = false;
    this.sockJsClosed = false;
  }

  /**
   * The outcome of one connect attempt: the first of CONNECTED (through `connectedResolve`), an
   * error or the timeout decides; an error closes the client.
   */
  settler(timeoutMs, resolve, reject) {
    let settled = false;
    const settle = (error) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      if (error) {
        this.close();
        reject(error);
      } else resolve(this);
    };
    const timer = setTimeout(() => settle(new Error(`no CONNECTED in ${timeoutMs} ms`)), timeoutMs);
    this.connectedResolve = () => settle();
    return settle;
  }

  /** SUBSCRIBE with a receipt (and `headers`: the resume bench's x-stream-offset); resolves to the time the RECEIPT arrived. */
  subscribe(destination, id, timeoutMs = 15_000, headers = {}) {
    const receipt = `r${++this.receiptSeq}`;
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.receipts.delete(receipt);
        reject(new Error(`no RECEIPT for SUBSCRIBE ${destination} in ${timeoutMs} ms`));
      }, timeoutMs);
      this.receipts.set(receipt, { resolve, reject, timer });
      this.write(subscribeFrame(destination, id, receipt, headers));
    });
  }

  handleControl(text) {
    const frame = parseStompText(text);
    if (!frame) return;
    const { command, headers } = frame;
    if (command === 'RECEIPT') {
      const id = headers['receipt-id'];
      const pending = this.receipts.get(id);
      if (pending) {
        this.receipts.delete(id);
        clearTimeout(pending.timer);
        pending.resolve(performance.timeOrigin + performance.now());
      }
    } else if (command === 'CONNECTED') {
      this.connectedResolve?.();
    } else if (command === 'ERROR') {
      const message = headers.message ?? 'ERROR';
      this.errors.push(message);
      this.failPending(new Error(`ERROR frame: ${message}`));
    }
  }

  failPending(error) {
    for (const pending of this.receipts.values()) {
      clearTimeout(pending.timer);
      pending.reject(error);
    }
    this.receipts.clear();
  }

  markClosed() {
    if (this.closed) return;
    this.closed = true;
    this.failPending(new Error('connection closed'));
    this.onClose?.(this.expectedClose);
  }
}

/** STOMP over a raw WebSocket. */
export class RawStompClient extends ClientBase {
  constructor(url, protocols = ['v12.stomp']) {
    super();
    this.url = url;
    this.protocols = protocols;
    this.ws = null;
  }

  connect(timeoutMs = 15_000) {
    return new Promise((resolve, reject) => {
      const settle = this.settler(timeoutMs, resolve, reject);
      const ws = this.openSocket(timeoutMs);
      this.ws = ws;
      ws.on('open', () => this.onSocketOpen());
      ws.on('message', (data) => this.onSocketData(data, settle));
      ws.on('error', (error) => {
        this.errors.push(error.message);
        settle(error);
      });
      ws.on('close', () => {
        settle(new Error('closed before CONNECTED'));
        this.markClosed();
      });
    });
  }

  /** The WebSocket to speak over; SockJS's websocket transport overrides it. */
  openSocket(timeoutMs) {
    return new WebSocket(this.url, this.protocols, { perMessageDeflate: false, handshakeTimeout: timeoutMs });
  }

  onSocketOpen() {
    this.ws.send(CONNECT_FRAME);
  }

  /** One WebSocket message: one STOMP frame here; `settle(error?)` ends the connect phase. */
  onSocketData(data, settle) {
    const first = data[0];
    if (first === M) {
      this.onMessage?.(data, data.indexOf(DOUBLE_LF) + 2);
    } else if (first === R || first === C || first === E) {
      this.handleControl(data.toString('utf8'));
      if (first === E) settle(new Error(`ERROR frame: ${this.errors.at(-1)}`));
    }
  }

  write(text) {
    if (this.ws.readyState === WebSocket.OPEN) this.ws.send(text);
  }

  get bufferedAmount() {
    return this.ws.bufferedAmount;
  }

  close() {
    this.expectedClose = true;
    this.ws?.terminate();
  }
}

/** One SockJS frame from the server (`o`, `a[...]`, `c[...]`; `h` heart-beats and the 2 KiB prelude ignored) for either SockJS client. */
function sockJsFrame(client, text, settle) {
  const kind = text[0];
  if (kind === 'a') {
    for (const frame of JSON.parse(text.slice(1))) {
      if (frame.charCodeAt(0) === M) client.onMessage?.(frame, frame.indexOf('\n\n') + 2);
      else if (frame !== '\n') {
        client.handleControl(frame);
        if (frame.startsWith('ERROR')) settle(new Error(`ERROR frame: ${client.errors.at(-1)}`));
      }
    }
  } else if (kind === 'o') {
    if (client.opened) {
      // A poll after the server forgot the session opens a new one: that is a lost session, not a resumed one.
      client.errors.push('sockjs session reopened');
      client.sockJsClosed = true;
      client.request?.destroy();
      return;
    }
    client.opened = true;
    client.write(client.connectText());
  } else if (kind === 'c') {
    client.sockJsClosed = true;
    client.errors.push(`sockjs close ${text.slice(1)}`);
    settle(new Error(`sockjs closed: ${text.slice(1)}`));
  }
}

let sockJsWsSeq = 0;

/**
 * STOMP over SockJS's websocket transport (`<endpoint>/<server>/<session>/websocket`): SockJS framing
 * on a WebSocket (`o`, `h`, `a[...]`, `c[...]` from the server, JSON arrays of strings from the
 * client), as sockjs-client speaks it.
 */
export class RawSockJsWebSocketClient extends RawStompClient {
  constructor(sockJsBase) {
    const server = String(Math.floor(Math.random() * 1000)).padStart(3, '0');
    const session = `${process.pid.toString(36)}w${(++sockJsWsSeq).toString(36)}${Math.random().toString(36).slice(2, 8)}`;
    super(`${sockJsBase.replace(/^http/, 'ws')}/${server}/${session}/websocket`, []);
  }

  openSocket(timeoutMs) {
    return new WebSocket(this.url, { perMessageDeflate: false, handshakeTimeout: timeoutMs });
  }

  /** SockJS opens with an `o` frame; CONNECT goes after it. */
  onSocketOpen() {}

  /** The CONNECT frame sent after `o` (comet's client adds a login). */
  connectText() {
    return CONNECT_FRAME;
  }

  onSocketData(data, settle) {
    sockJsFrame(this, data.toString('utf8'), settle);
  }

  write(text) {
    if (this.ws.readyState === WebSocket.OPEN) this.ws.send(JSON.stringify([text]));
  }
}

/** Keep-alive pool for xhr_send requests of every RawSockJsClient. */
const sendAgent = new http.Agent({ keepAlive: true, maxSockets: 32 });
let sessionSeq = 0;

/** STOMP over SockJS xhr-streaming: one long POST per session for receiving, xhr_send POSTs for sending. */
export class RawSockJsClient extends ClientBase {
  constructor(baseUrl) {
    super();
    const server = String(Math.floor(Math.random() * 1000)).padStart(3, '0');
    const session = `${process.pid.toString(36)}${(++sessionSeq).toString(36)}${Math.random().toString(36).slice(2, 8)}`;
    this.base = `${baseUrl}/${server}/${session}`;
    this.request = null;
    this.sendQueue = [];
    this.sending = false;
  }

  connect(timeoutMs = 20_000) {
    return new Promise((resolve, reject) => this.stream(this.settler(timeoutMs, resolve, reject)));
  }

  /**
   * One xhr_streaming request. sockjs-node ends it once it has carried `response_limit` bytes, without a
   * close frame; the client then polls again for the same session, as sockjs-client does.
   */
  stream(settle) {
    const req = http.request(`${this.base}/xhr_streaming`, { method: 'POST', agent: false, headers: { 'content-length': 0 } }, (res) => {
      if (res.statusCode !== 200) {
        this.sockJsClosed = true;
        settle(new Error(`xhr_streaming: HTTP ${res.statusCode}`));
        res.resume();
        return;
      }
      res.setEncoding('utf8');
      let buffer = '';
      res.on('data', (chunk) => {
        buffer += chunk;
        let nl;
        while ((nl = buffer.indexOf('\n')) !== -1) {
          const line = buffer.slice(0, nl);
          buffer = buffer.slice(nl + 1);
          this.line(line, settle);
        }
      });
      res.on('close', () => {
        if (this.opened && !this.sockJsClosed && !this.expectedClose && !this.closed) return this.stream(settle);
        settle(new Error('stream closed before CONNECTED'));
        this.markClosed();
      });
    });
    req.on('error', (error) => {
      this.errors.push(error.message);
      settle(error);
      this.markClosed();
    });
    req.end();
    this.request = req;
  }

  /** One line of the stream: one SockJS frame. */
  line(line, settle) {
    sockJsFrame(this, line, settle);
  }

  connectText() {
    return CONNECT_FRAME;
  }

  /** Frames are sent one xhr_send at a time per session, in order (as sockjs-client does). */
  write(text) {
    this.sendQueue.push(text);
    if (!this.sending) this.flush();
  }

  flush() {
    if (this.sendQueue.length === 0 || this.closed) {
      this.sending = false;
      return;
    }
    this.sending = true;
    const body = JSON.stringify(this.sendQueue.splice(0));
    const req = http.request(
      `${this.base}/xhr_send`,
      {
        method: 'POST',
        agent: sendAgent,
        headers: { 'content-type': 'text/plain;charset=UTF-8', 'content-length': Buffer.byteLength(body) },
      },
      (res) => {
        res.resume();
        res.on('end', () => this.flush());
      },
    );
    req.on('error', (error) => {
      this.errors.push(`xhr_send: ${error.message}`);
      this.sending = false;
    });
    req.end(body);
  }

  close() {
    this.expectedClose = true;
    this.request?.destroy();
  }
}
