// The baseline: what bare Node does with `ws` (and `sockjs` for the SockJS rows) and just enough
// STOMP: CONNECT -> CONNECTED, SUBSCRIBE/UNSUBSCRIBE with receipts, SEND -> broadcast one
// pre-serialised MESSAGE frame to every subscriber. No limits, no flow control, no validation.
// Routes as the original app does: SEND /dap/rooms/<room>/send -> /topic/rooms/<room> (the sample app's destinations).
// Run by bench/run.mjs with child_process.fork; it reports on IPC (see lib/control.mjs).
import http from 'node:http';
import sockjs from 'sockjs';
import { WebSocketServer } from 'ws';
import { serveControl } from './lib/control.mjs';
// The same trick nestjs-stomp uses: a socket's writes of one tick go out in one syscall. A baseline
// without it would be weaker than a bare Node server can be (BASELINE_UNCORKED=1 gives the old one).
import { corkUntilNextTick } from '../dist/engine/transport/socket.corker.js';
// nestjs-stomp frames raw WebSocket messages itself when no extension is negotiated (no ws.send per message):
// the baseline does the same, or it would be weaker than a bare Node server can be.
import { TEXT_OPCODE, writeMessage } from '../dist/engine/transport/websocket.framing.js';

const CORKED = process.env.BASELINE_UNCORKED !== '1';
/** Corks the socket under a transport before a write, as nestjs-stomp's WebSocket path does. */
function cork(socket, owner, bytes) {
  if (CORKED && socket) corkUntilNextTick(socket, owner, bytes);
}

const RAW_PATH = '/raw';
const ROOM_SEND = /^\/dap\/rooms\/([^/]+)\/send$/;
const SOCKJS_PREFIX = '/block';
const NUL = Buffer.from([0]);
const CONNECTED = 'CONNECTED\nversion:1.2\nheart-beat:0,0\nserver:baseline\n\n\0';

/** destination -> subscribers [{ conn, id }] */
const topics = new Map();
let messageSeq = 0;

class Connection {
  constructor(write, textOnly) {
    this.write = write; // (frame: Buffer, text: string | undefined) => void
    this.textOnly = textOnly;
    this.subscriptions = new Map(); // id -> destination
  }

  receive(text) {
    let start = 0;
    while (start < text.length) {
      const end = text.indexOf('\0', start);
      if (end === -1) break;
      this.frame(text.slice(start, end));
      start = end + 1;
    }
  }

  frame(text) {
    text = text.replace(/^[\r\n]+/, ''); // heart-beats
    if (text === '') return;
    const headEnd = text.indexOf('\n\n');
    const head = text.slice(0, headEnd === -1 ? text.length : headEnd).split('\n');
    const command = head[0];
    const headers = {};
    for (let i = 1; i < head.length; i++) {
      const colon = head[i].indexOf(':');
      if (colon > 0 && headers[head[i].slice(0, colon)] === undefined) headers[head[i].slice(0, colon)] = head[i].slice(colon + 1);
    }
    const body = headEnd === -1 ? '' : text.slice(headEnd + 2);
    switch (command) {
      case 'CONNECT':
      case 'STOMP':
        this.write(Buffer.from(CONNECTED), CONNECTED);
        return;
      case 'SUBSCRIBE': {
        let list = topics.get(headers.destination);
        if (!list) topics.set(headers.destination, (list = []));
        list.push({ conn: this, id: headers.id });
        this.subscriptions.set(headers.id, headers.destination);
        break;
      }
      case 'UNSUBSCRIBE':
        this.unsubscribe(headers.id);
        break;
      case 'SEND': {
        const room = ROOM_SEND.exec(headers.destination);
        const destination = room ? `/topic/rooms/${room[1]}` : headers.destination;
        publish(destination, headers['content-type'] ?? 'text/plain', Buffer.from(body, 'utf8'));
        break;
      }
      case 'DISCONNECT':
        break;
      default:
        return;
    }
    if (headers.receipt !== undefined) {
      const receipt = `RECEIPT\nreceipt-id:${headers.receipt}\n\n\0`;
      this.write(Buffer.from(receipt), receipt);
    }
  }

  unsubscribe(id) {
    const destination = this.subscriptions.get(id);
    if (destination === undefined) return;
    this.subscriptions.delete(id);
    const list = topics.get(destination);
    const at = list.findIndex((s) => s.conn === this && s.id === id);
    if (at !== -1) list.splice(at, 1);
  }

  closed() {
    for (const id of [...this.subscriptions.keys()]) this.unsubscribe(id);
  }
}

/** Serialises the shared part once; subscribers with the same subscription id share one whole frame. */
function publish(destination, contentType, body) {
  const list = topics.get(destination);
  if (!list || list.length === 0) return 0;
  const shared = Buffer.concat([
    Buffer.from(`destination:${destination}\nmessage-id:${++messageSeq}\ncontent-type:${contentType}\ncontent-length:${body.length}\n\n`),
    body,
    NUL,
  ]);
  let lastId;
  let frame;
  let text;
  for (const { conn, id } of list) {
    if (id !== lastId) {
      frame = Buffer.concat([Buffer.from(`MESSAGE\nsubscription:${id}\n`), shared]);
      text = undefined;
      lastId = id;
    }
    if (conn.textOnly) text ??= frame.toString('utf8');
    conn.write(frame, text);
  }
  return list.length;
}

const server = http.createServer((req, res) => {
  res.writeHead(404);
  res.end();
});

const wss = new WebSocketServer({ noServer: true, handleProtocols: (offered) => (offered.has('v12.stomp') ? 'v12.stomp' : false) });
server.on('upgrade', (req, socket, head) => {
  if (req.url !== RAW_PATH) return socket.destroy();
  wss.handleUpgrade(req, socket, head, (ws) => {
    const owner = { corkedBytes: 0 };
    const framesItself = CORKED && ws.extensions === '';
    const conn = new Connection((frame) => {
      cork(ws._socket, owner, frame.length);
      if (!framesItself) ws.send(frame, { binary: false });
      else if (ws.readyState === ws.OPEN) writeMessage(ws._socket, TEXT_OPCODE, frame);
    }, false);
    ws.on('message', (data) => conn.receive(data.toString('utf8')));
    ws.on('close', () => conn.closed());
    ws.on('error', () => {});
  });
});

// response_limit as nestjs-stomp's bench server has it (streamBytesLimit): streaming sessions poll again as often.
/**
 * Also as nestjs-stomp does (since c35225e): a SockJS session's messages of one tick go out as one `a[...]`
 * frame through sockjs-node's own buffer, not one frame each; under the cork cap, so large ones go at once.
 */
const batching = [];
function flushBatch(session) {
  if (!session.batched) return;
  session.batched = false;
  if (session.recv && session.readyState === 1 && session.send_buffer.length > 0) session.tryFlush();
}
function sockJsWrite(sock, message) {
  const session = sock._session;
  if (CORKED && session?.recv && session.readyState === 1 && message.length <= 16 * 1024) {
    session.send_buffer.push(message);
    if (session.batched) return;
    session.batched = true;
    if (batching.push(session) === 1) process.nextTick(() => batching.splice(0).forEach(flushBatch));
    return;
  }
  if (session) flushBatch(session);
  sock.write(message);
}

const sockjsServer = sockjs.createServer({ prefix: SOCKJS_PREFIX, log: () => {}, disconnect_delay: 5000, response_limit: 512 * 1024 });
sockjsServer.on('connection', (sock) => {
  if (!sock) return;
  const owner = { corkedBytes: 0 };
  const conn = new Connection((frame, text) => {
    const recv = sock._session?.recv;
    cork(recv?.connection ?? recv?.response?.socket, owner, frame.length);
    sockJsWrite(sock, text ?? frame.toString('utf8'));
  }, true);
  sock.on('data', (data) => conn.receive(data));
  sock.on('close', () => conn.closed());
});
sockjsServer.installHandlers(server);

server.listen(0, '127.0.0.1', () => {
  const { port } = server.address();
  serveControl({
    info: {
      impl: CORKED ? 'baseline' : 'baseline (uncorked)',
      port,
      urls: { ws: `ws://127.0.0.1:${port}${RAW_PATH}`, sockjs: `http://127.0.0.1:${port}${SOCKJS_PREFIX}` },
      handlers: true,
    },
    publish: (destination, payload) => publish(destination, 'application/json', Buffer.from(JSON.stringify(payload), 'utf8')),
  });
});
