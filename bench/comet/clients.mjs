// The five ways a dashboard page can follow the sample's updates, as load-generator clients:
// HTTP polling, long polling, and STOMP over SockJS xhr-streaming, SockJS websocket and raw
// WebSocket. The STOMP ones reuse bench/lib/raw-stomp.mjs (the sample's `authenticate` hook wants
// a `login` header, so CONNECT is swapped for one that carries a name). Every client reports each
// dashboard update it sees to `onUpdate(key, publishedAt, receivedAt)`; the key identifies one
// update whichever way it travelled (polling JSON or STOMP MESSAGE).
import http from 'node:http';
import { headerOf } from '../../test/fixtures/raw-stomp.codec.mjs';
import {
  CONNECT_FRAME,
  connectFrame as stompConnect,
  RawSockJsClient,
  RawSockJsWebSocketClient,
  RawStompClient,
} from '../lib/raw-stomp.mjs';
import { now, sleep } from '../lib/util.mjs';
import { exclude } from './meter.mjs';

/** CONNECT with a name (the sample refuses an empty one), no heart-beats (like the bench's CONNECT_FRAME). */
export function connectFrame(login) {
  return stompConnect({ login });
}

/** One dashboard update, the same whether it came as `{ topic, payload }` JSON or as a STOMP MESSAGE. */
export function updateKey(topic, payload) {
  if (topic === 'supply') return `s:${payload.time}`;
  return `${topic === 'blockInfo' ? 'b' : 't'}:${payload.hash}`;
}

// ---------------------------------------------------------------- plain HTTP

/**
 * GET `url` and resolve to { status, body (parsed JSON or undefined) }. `agent` keeps the client's
 * connection alive between requests, as a browser does. Rejects on error or after `timeoutMs`.
 */
export function getJson(url, { agent, timeoutMs = 30_000, bookkeeping = false, onRequest } = {}) {
  return new Promise((resolve, reject) => {
    const req = http.get(url, { agent }, (res) => {
      res.setEncoding('utf8');
      let text = '';
      res.on('data', (chunk) => (text += chunk));
      res.on('end', () => {
        let body;
        try {
          body = text ? JSON.parse(text) : undefined;
        } catch (error) {
          reject(new Error(`${url}: HTTP ${res.statusCode}, not JSON: ${error.message}`));
          return;
        }
        resolve({ status: res.statusCode, body, at: now() });
      });
      res.on('error', reject);
    });
    if (bookkeeping) {
      req.benchExcluded = true;
      req.on('socket', exclude);
    }
    req.setTimeout(timeoutMs, () => req.destroy(new Error(`${url}: no answer in ${timeoutMs} ms`)));
    req.on('error', reject);
    onRequest?.(req);
  });
}

/** State shared by both HTTP clients: a kept-alive connection of its own, the request in flight, counters. */
class HttpFollower {
  constructor(base, onUpdate) {
    this.base = base;
    this.onUpdate = onUpdate;
    this.agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
    this.inFlight = null;
    this.stopped = false;
    this.since = 0;
    this.useLastUpdate = false;
    this.stats = { requests: 0, withUpdates: 0, empty: 0, noContent: 0, gone: 0, errors: 0, skipped: 0 };
    this.lastError = '';
  }

  /** The page's first request: the whole dashboard and the seq to continue from. */
  async start() {
    const { status, body } = await getJson(`${this.base}/api/dashboard`, {
      agent: this.agent,
      timeoutMs: 15_000,
      onRequest: (r) => (this.inFlight = r),
    });
    if (status !== 200 || typeof body?.seq !== 'number') throw new Error(`GET /api/dashboard: HTTP ${status}`);
    this.since = body.seq;
  }

  async request(path, timeoutMs) {
    this.stats.requests++;
    const answer = await getJson(`${this.base}${path}`, { agent: this.agent, timeoutMs, onRequest: (r) => (this.inFlight = r) });
    this.inFlight = null;
    return answer;
  }

  /** Reports the updates of one answer; `since` follows the answer's `seq`, as the README documents. */
  take(body, at) {
    const updates = body.updates ?? [];
    if (updates.length === 0) this.stats.empty++;
    else this.stats.withUpdates++;
    for (const update of updates) this.onUpdate(updateKey(update.topic, update.payload), update.payload.time, at);
    const last = updates.length ? updates[updates.length - 1].seq : this.since;
    // Updates the answer says exist (its seq) but did not carry: the next request starts after them.
    if (body.seq > last) this.stats.skipped += body.seq - last;
    this.since = this.useLastUpdate ? last : body.seq;
  }

  async recover(error) {
    if (this.stopped) return; // its own request, destroyed by stop()
    this.stats.errors++;
    this.lastError = error.message;
    await sleep(1000);
    if (!this.stopped) await this.start().catch(() => {});
  }

  stop() {
    this.stopped = true;
    this.inFlight?.destroy();
    this.agent.destroy();
  }
}

/** Polling: `GET /api/dashboard/updates?since=N` every `periodMs` (one request at a time, as `setInterval` + AJAX that waits). */
export class PollingClient extends HttpFollower {
  constructor(base, onUpdate, { periodMs = 1000 } = {}) {
    super(base, onUpdate);
    this.periodMs = periodMs;
  }

  async run() {
    let due = now();
    while (!this.stopped) {
      due += this.periodMs;
      try {
        const { status, body, at } = await this.request(`/api/dashboard/updates?since=${this.since}`, 15_000);
        if (status === 200) this.take(body, at);
        else if (status === 410) {
          this.stats.gone++;
          await this.start();
        } else throw new Error(`updates: HTTP ${status}`);
      } catch (error) {
        await this.recover(error);
        due = now() + this.periodMs;
      }
      const wait = due - now();
      if (wait > 0) await sleep(wait);
      else due = now(); // late (slow answers): ask again at once, then keep the period from here
    }
  }
}

/** Long polling: `GET /api/dashboard/long-poll?since=N`, again as soon as it answers (200 with updates, 204 without). */
export class LongPollingClient extends HttpFollower {
  constructor(base, onUpdate, { useLastUpdate = false, timeoutMs = 60_000 } = {}) {
    super(base, onUpdate);
    this.useLastUpdate = useLastUpdate;
    this.timeoutMs = timeoutMs;
  }

  async run() {
    while (!this.stopped) {
      try {
        const { status, body, at } = await this.request(`/api/dashboard/long-poll?since=${this.since}`, this.timeoutMs);
        if (status === 200) this.take(body, at);
        else if (status === 204) this.stats.noContent++;
        else if (status === 410) {
          this.stats.gone++;
          await this.start();
        } else throw new Error(`long-poll: HTTP ${status}`);
      } catch (error) {
        await this.recover(error);
      }
    }
  }
}

// ---------------------------------------------------------------- STOMP

const TOPIC_OF = { '/topic/blockInfo': 'blockInfo', '/topic/tranInfo': 'tranInfo', '/topic/supply': 'supply' };
export const DASHBOARD_DESTINATIONS = Object.keys(TOPIC_OF);

/** A MESSAGE frame (Buffer or string, as raw-stomp hands it over) to its update key and publish time. */
export function stompUpdate(data, bodyStart) {
  const isString = typeof data === 'string';
  const head = isString ? data.slice(0, bodyStart) : data.toString('latin1', 0, bodyStart);
  const topic = TOPIC_OF[headerOf(head, 'destination')];
  const body = isString ? data.slice(bodyStart, data.length - 1) : data.toString('utf8', bodyStart, data.length - 1);
  const payload = JSON.parse(body);
  return { key: updateKey(topic, payload), publishedAt: payload.time, topic };
}

/** STOMP over a raw WebSocket (`/block/websocket`): bench/lib's client, with a name in CONNECT. */
export class LoginStompClient extends RawStompClient {
  constructor(url, login) {
    super(url);
    this.login = login;
  }

  connect(timeoutMs) {
    const connected = super.connect(timeoutMs);
    // The WebSocket exists now (created synchronously) and is not open yet: swap its CONNECT frame.
    const ws = this.ws;
    const send = ws.send.bind(ws);
    ws.send = (data, ...rest) => send(data === CONNECT_FRAME ? connectFrame(this.login) : data, ...rest);
    return connected;
  }
}

/** STOMP over SockJS xhr-streaming: bench/lib's client, with a name in CONNECT. */
export class LoginSockJsClient extends RawSockJsClient {
  constructor(baseUrl, login) {
    super(baseUrl);
    this.login = login;
  }

  connectText() {
    return connectFrame(this.login);
  }
}

/** STOMP over SockJS's websocket transport: bench/lib's client, with a name in CONNECT. */
export class SockJsWebSocketClient extends RawSockJsWebSocketClient {
  constructor(sockJsBase, login) {
    super(sockJsBase);
    this.login = login;
  }

  connectText() {
    return connectFrame(this.login);
  }
}
