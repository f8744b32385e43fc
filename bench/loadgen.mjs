// The load generator: one process, driven by bench/run.mjs over IPC. It runs one scenario against
// one server (whose URLs it is given), asks that server for its CPU time and memory through the
// runner, and sends back one result object. Every wait is bounded.
import { connectRealClient, REAL_KINDS } from './lib/real-clients.mjs';
import { RawSockJsClient, RawSockJsWebSocketClient, RawStompClient, sendFrame } from './lib/raw-stomp.mjs';
import { Histogram, filler, now, pool, processStats, sleep, waitFor } from './lib/util.mjs';
import { resume } from './lib/resume.mjs';

// ---- IPC: calls to the server under test, relayed by the runner ----
let callSeq = 0;
const calls = new Map();

/** `call(cmd, args)` asks server `key` and resolves to its answer; `call.notify` expects none. */
function serverOf(key) {
  const call = (cmd, args = {}) => {
    const id = ++callSeq;
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        calls.delete(id);
        reject(new Error(`${key} server did not answer '${cmd}' in 30 s`));
      }, 30_000);
      calls.set(id, { resolve, reject, timer });
      process.send({ type: 'to-server', to: key, msg: { cmd, id, ...args } });
    });
  };
  call.notify = (cmd, args) => process.send({ type: 'to-server', to: key, msg: { cmd, ...args } });
  return call;
}

process.on('message', async (msg) => {
  if (msg.type === 'server-reply') {
    const call = calls.get(msg.id);
    if (!call) return;
    calls.delete(msg.id);
    clearTimeout(call.timer);
    if (msg.error) call.reject(new Error(msg.error));
    else call.resolve(msg.reply);
  } else if (msg.cmd === 'run') {
    try {
      const result = await SCENARIOS[msg.scenario](msg.params, msg.targets);
      process.send({ type: 'result', result });
    } catch (error) {
      process.send({ type: 'failed', error: String(error?.stack ?? error) });
    }
  }
});
process.on('disconnect', () => process.exit(0));

// ---- helpers ----

/** Parses the decimal number (digits and one '.') that starts at `i` in a Buffer or a string. */
function leadingNumber(data, i) {
  const buffer = typeof data !== 'string';
  let value = 0;
  let scale = 0;
  for (;;) {
    const c = buffer ? data[i] : data.charCodeAt(i);
    if (c === 46) scale = 1;
    else if (c >= 48 && c <= 57) {
      if (scale === 0) value = value * 10 + (c - 48);
      else value += (c - 48) / (scale *= 10);
    } else return value;
    i++;
  }
}

function bodyText(data, bodyStart) {
  return typeof data === 'string' ? data.slice(bodyStart, data.length - 1) : data.toString('utf8', bodyStart, data.length - 1);
}

function cpuPct(a, b) {
  return ((b.cpuUs - a.cpuUs) / ((b.t - a.t) * 1000)) * 100;
}

function firstErrors(results, max = 3) {
  const messages = new Map();
  for (const r of results) if (!r.ok) messages.set(r.error.message, (messages.get(r.error.message) ?? 0) + 1);
  return [...messages].slice(0, max).map(([m, n]) => `${n}x ${m}`);
}

/** The raw clients by transport: raw WebSocket, SockJS xhr-streaming, SockJS websocket. */
const RAW_CLIENTS = {
  ws: (target) => new RawStompClient(target.urls.ws),
  sockjs: (target) => new RawSockJsClient(target.urls.sockjs),
  'sockjs-ws': (target) => new RawSockJsWebSocketClient(target.urls.sockjs),
};

/** Opens `count` raw STOMP sessions, each subscribed to `destinations` (receipts awaited). */
async function openRawSessions(count, target, { transport = 'ws', destinations, onMessage, concurrency = 64, onUnexpectedClose }) {
  const clients = [];
  const results = await pool(count, concurrency, async () => {
    const client = RAW_CLIENTS[transport](target);
    client.onClose = (expected) => {
      if (!expected) onUnexpectedClose?.();
    };
    await client.connect();
    client.onMessage = onMessage;
    await Promise.all(destinations.map((d, k) => client.subscribe(d, `sub-${k}`)));
    clients.push(client);
    return client;
  });
  return { clients, failed: results.filter((r) => !r.ok).length, errors: firstErrors(results) };
}

/** Real clients for the check phase; each counts what it gets and checks the order of `seq`. */
async function openRealClients(kinds, target, destination, seqOf) {
  const reals = [];
  for (const kind of kinds) {
    try {
      const real = await connectRealClient(kind, target.urls);
      const state = { kind, transport: real.transport, received: 0, inOrder: true, client: real };
      await real.subscribe(destination, (body) => {
        if (seqOf(body) !== state.received) state.inOrder = false;
        state.received++;
        state.onMessage?.();
      });
      reals.push(state);
    } catch (error) {
      reals.push({ kind, transport: '-', received: 0, inOrder: false, error: error.message, client: null });
    }
  }
  return reals;
}

function realSummary(reals, expected) {
  return reals.map((r) => ({
    kind: r.kind,
    transport: r.transport,
    received: r.received,
    expected,
    inOrder: r.inOrder,
    ok: r.received === expected && r.inOrder,
    error: r.error,
  }));
}

async function closeReals(reals) {
  await Promise.all(reals.map((r) => r.client?.close()));
}

// ---- scenarios ----

/**
 * Measured windows of the two servers alternate (B O O B B O ...) inside one invocation, so that
 * noise from other work on this 2-core machine falls on both alike. Each harness accumulates its
 * own deliveries, server CPU time, load-generator CPU time and latency histogram over its windows.
 */
async function paired(p, targets, setup) {
  const keys = Object.keys(targets);
  const harnesses = {};
  for (const key of keys) harnesses[key] = await setup(p, targets[key], serverOf(key));
  for (const key of keys) harnesses[key].check = await harnesses[key].runCheck();
  for (const key of keys) await harnesses[key].warmup();
  const slice = p.windowMs / p.rounds;
  for (let round = 0; round < p.rounds; round++) {
    const order = round % 2 === 0 ? keys : [...keys].reverse();
    for (const key of order) await harnesses[key].measure(slice);
  }
  const results = {};
  for (const key of keys) {
    results[key] = harnesses[key].result();
    harnesses[key].close();
  }
  return results;
}

/** What a harness accumulates over its measured windows. */
function accumulator(S) {
  const acc = {
    hist: new Histogram(),
    deliveries: 0,
    published: 0,
    ms: 0,
    serverCpuUs: 0,
    serverMs: 0,
    serverWrites: 0,
    loadgenCpuUs: 0,
    loadgenMs: 0,
    complete: true,
    rss: 0,
  };
  return {
    acc,
    async window(call, run) {
      const s0 = await call('stats');
      const l0 = processStats();
      const t0 = now();
      const { deliveries, published, complete } = await run();
      const t1 = now();
      const s1 = await call('stats');
      const l1 = processStats();
      acc.deliveries += deliveries;
      acc.published += published;
      acc.ms += t1 - t0;
      acc.serverCpuUs += s1.cpuUs - s0.cpuUs;
      acc.serverMs += s1.t - s0.t;
      acc.serverWrites += s1.syscw - s0.syscw;
      acc.loadgenCpuUs += l1.cpuUs - l0.cpuUs;
      acc.loadgenMs += l1.t - l0.t;
      acc.complete &&= complete;
      acc.rss = s1.rss;
    },
    result(extra) {
      return {
        subscribers: S,
        published: acc.published,
        deliveries: acc.deliveries,
        complete: acc.complete,
        seconds: acc.ms / 1000,
        msgsPerSec: acc.deliveries / (acc.ms / 1000),
        cpuUsPerMsg: acc.serverCpuUs / acc.deliveries,
        writesPerMsg: acc.serverWrites / acc.deliveries,
        serverCpuPct: (acc.serverCpuUs / (acc.serverMs * 1000)) * 100,
        loadgenCpuPct: (acc.loadgenCpuUs / (acc.loadgenMs * 1000)) * 100,
        serverRssMB: acc.rss / 2 ** 20,
        latency: acc.hist.summary(),
        ...extra,
      };
    },
  };
}

/**
 * fanout: S subscribers of one topic; one raw publisher sends as fast as a window of W
 * unconfirmed messages allows (flow: sent*S - received < W*S). First a short check phase where
 * real clients are subscribed too (and gate the window), then a warm-up, then measured windows.
 */
async function fanoutSetup(p, target, call) {
  const destination = '/topic/fanout';
  let received = 0;
  let measuring = false;
  let unexpectedCloses = 0;
  let sent = 0;
  let gate = null;
  let run = null; // { until, max, finish }
  let S = 0;
  let hist = null;

  const onMessage = (data, bodyStart) => {
    received++;
    if (measuring) hist.record(now() - leadingNumber(data, bodyStart));
    if (run) pump();
  };
  const subs = await openRawSessions(p.subscribers, target, {
    transport: p.transport,
    destinations: [destination],
    onMessage,
    concurrency: p.concurrency,
    onUnexpectedClose: () => unexpectedCloses++,
  });
  S = subs.clients.length;
  if (S === 0) throw new Error(`${target.impl}: no subscriber connected: ${subs.errors.join('; ')}`);
  const publisher = await new RawStompClient(target.urls.ws).connect();
  const pad = filler(p.bodySize - 24);
  const { acc, window, result } = accumulator(S);
  hist = acc.hist;

  function pump() {
    while (run && sent * S - received < p.window * S && (gate === null || gate())) {
      if (sent >= run.max || now() >= run.until) return run.finish();
      publisher.write(sendFrame(destination, `${now().toFixed(3)}|${sent}|${pad}`));
      sent++;
    }
  }
  /** Publishes for `durationMs` (or `max` messages), as fast as the window allows. */
  function publish(durationMs, max = Infinity) {
    return new Promise((resolve) => {
      const current = {
        until: now() + durationMs,
        max,
        finish() {
          if (run !== current) return;
          run = null;
          clearTimeout(timer);
          resolve();
        },
      };
      run = current;
      const timer = setTimeout(() => current.finish(), durationMs + 5);
      pump();
    });
  }
  const drained = (ms) => waitFor(() => received >= sent * S, ms, 2);

  return {
    /** Real clients see exactly what raw ones see. */
    async runCheck() {
      const reals = await openRealClients(p.real, target, destination, (body) => leadingNumber(body, body.indexOf('|') + 1));
      const live = reals.filter((r) => r.client);
      gate = () => live.every((r) => sent - r.received < p.window);
      for (const r of live) r.onMessage = () => run && pump();
      await publish(p.checkMs, p.checkCount);
      const checkSent = sent;
      await waitFor(() => received >= sent * S && live.every((r) => r.received >= checkSent), 10_000, 5);
      gate = null;
      await closeReals(reals);
      return { sent: checkSent, rawReceived: received, rawExpected: checkSent * S, real: realSummary(reals, checkSent) };
    },
    async warmup() {
      await publish(p.warmupMs);
      await drained(10_000);
    },
    measure(ms) {
      return window(call, async () => {
        const r0 = received;
        const sent0 = sent;
        measuring = true;
        await publish(ms);
        const complete = await drained(10_000);
        measuring = false;
        return { deliveries: received - r0, published: sent - sent0, complete };
      });
    },
    result() {
      return result({ transport: p.transport ?? 'ws', failed: subs.failed, errors: subs.errors, unexpectedCloses, check: this.check });
    },
    close() {
      publisher.close();
      for (const c of subs.clients) c.close();
    },
  };
}

/**
 * template: the server publishes with SimpMessagingTemplate.convertAndSend (the baseline: its own
 * publish) as fast as a window of W messages unconfirmed by this load generator allows.
 */
async function templateSetup(p, target, call) {
  const destination = '/topic/template';
  let received = 0;
  let measuring = false;
  let unexpectedCloses = 0;
  let acked = 0;
  let gate = () => Infinity;
  let S = 0;
  let hist = null;
  const step = Math.max(1, Math.floor(p.window / 4));

  function progress() {
    const confirmed = Math.min(Math.floor(received / S), gate());
    if (confirmed - acked >= step) {
      acked = confirmed;
      call.notify('template-progress', { acked });
    }
  }
  const onMessage = (data, bodyStart) => {
    received++;
    if (measuring) hist.record(now() - leadingNumber(data, bodyStart + 5)); // body: {"t":<ms>,...
    progress();
  };
  const subs = await openRawSessions(p.subscribers, target, {
    destinations: [destination],
    onMessage,
    onUnexpectedClose: () => unexpectedCloses++,
  });
  S = subs.clients.length;
  if (S === 0) throw new Error(`${target.impl}: no subscriber connected: ${subs.errors.join('; ')}`);
  const { acc, window, result } = accumulator(S);
  hist = acc.hist;

  /** One publishing run of the server's pacer; resolves to how many messages it published. */
  async function publishFor(ms, until = () => false) {
    acked = 0;
    received = 0;
    await call('template-start', { destination, window: p.window, bodySize: p.bodySize });
    await waitFor(until, ms, 2);
    const { published } = await call('template-stop');
    return published;
  }

  return {
    async runCheck() {
      const reals = await openRealClients(p.real, target, destination, (body) => JSON.parse(body).seq);
      const live = reals.filter((r) => r.client);
      gate = () => Math.min(Infinity, ...live.map((r) => r.received));
      for (const r of live) r.onMessage = progress;
      const checkSent = await publishFor(p.checkMs, () => Math.floor(received / S) >= p.checkCount && gate() >= p.checkCount);
      await waitFor(() => received >= checkSent * S && live.every((r) => r.received >= checkSent), 10_000, 5);
      gate = () => Infinity;
      await closeReals(reals);
      return { sent: checkSent, rawReceived: received, rawExpected: checkSent * S, real: realSummary(reals, checkSent) };
    },
    async warmup() {
      const published = await publishFor(p.warmupMs);
      await waitFor(() => received >= published * S, 10_000, 2);
    },
    measure(ms) {
      return window(call, async () => {
        measuring = true;
        const published = await publishFor(ms);
        const complete = await waitFor(() => received >= published * S, 10_000, 2);
        measuring = false;
        return { deliveries: received, published, complete };
      });
    },
    result() {
      return result({ failed: subs.failed, errors: subs.errors, unexpectedCloses, check: this.check });
    },
    close() {
      for (const c of subs.clients) c.close();
    },
  };
}

const fanout = (p, targets) => paired(p, targets, fanoutSetup);
const template = (p, targets) => paired(p, targets, templateSetup);

/** connections: N idle sessions (connected, one subscription each); memory per session from the server's RSS. */
async function connections(p, target, server) {
  const destination = '/topic/idle';
  let got = 0;
  let unexpectedCloses = 0;
  const s0 = await server('gc');
  const t0 = now();
  const subs = await openRawSessions(p.sessions, target, {
    transport: p.transport,
    destinations: [destination],
    onMessage: () => got++,
    concurrency: p.concurrency,
    onUnexpectedClose: () => unexpectedCloses++,
  });
  const openSeconds = (now() - t0) / 1000;
  const n = subs.clients.length;
  await sleep(1000);
  const s1 = await server('gc');
  const l1 = processStats();

  // Check: one message from the server reaches every idle session, and real clients next to them.
  const reals = await openRealClients(p.real, target, destination, () => 0);
  const { deliveries } = await server('publish', { destination, payload: { k: 'idle-check', t: now() } });
  const live = reals.filter((r) => r.client);
  await waitFor(() => got >= n && live.every((r) => r.received >= 1), 15_000, 10);
  await closeReals(reals);
  return {
    transport: p.transport,
    requested: p.sessions,
    sessions: n,
    failed: subs.failed,
    errors: subs.errors,
    unexpectedCloses,
    openSeconds,
    openPerSec: n / openSeconds,
    rssBeforeMB: s0.rss / 2 ** 20,
    rssAfterMB: s1.rss / 2 ** 20,
    kibPerSession: (s1.rss - s0.rss) / 1024 / n,
    heapKibPerSession: (s1.heapUsed - s0.heapUsed) / 1024 / n,
    gc: s1.gc,
    loadgenRssMB: l1.rss / 2 ** 20,
    check: { serverDeliveries: deliveries, received: got, expected: n, real: realSummary(reals, 1) },
  };
}

/** Index of the first value > x in a sorted array. */
function upperBound(sorted, x) {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (sorted[mid] <= x) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/**
 * original: the 2018 Spring app's load. C clients join at a fixed rate; each subscribes to the
 * three dashboard topics (pushed by the server once per period each) and to its room's topic
 * (rooms of `roomSize`), then sends one chat message per period to /dap/rooms/<room>/send (handled by
 * @MessageMapping + @SendTo('/topic/rooms/{roomId}')), or straight to /topic/rooms/<room> in
 * 'broker' mode. Expected deliveries: every message published after the receiver's SUBSCRIBE
 * receipt (+ a 2 ms margin for clocks of two processes), computed exactly at the end.
 */
async function original(p, target, server) {
  const topics = ['blockInfo', 'tranInfo', 'supply'];
  const margin = 2;
  const C = p.clients;
  const hist = new Histogram();
  const realHist = new Histogram();
  const kindHist = { c: new Histogram(), d: new Histogram() };
  const members = [];
  let early = 0;
  let unexpectedCloses = 0;
  let stopped = false;
  let lastDelivery = 0;
  const chatText = filler(p.chatSize);

  function deliver(member, text, receivedAt) {
    const m = JSON.parse(text);
    lastDelivery = receivedAt;
    const since = m.k === 'd' ? member.R[m.topic] : member.R[3];
    if (!(m.t > since + margin)) {
      early++;
      return;
    }
    if (m.k === 'd') member.dash++;
    else member.chat++;
    (member.real ? realHist : hist).record(receivedAt - m.t);
    if (!member.real) kindHist[m.k].record(receivedAt - m.t);
  }

  await server('dashboard-start', { topics, periodMs: p.dashboardPeriodMs, bodySize: p.dashboardSize });
  const s0 = await server('stats');
  const l0 = processStats();
  const tStart = now();

  async function join(i) {
    const room = Math.floor(i / p.roomSize);
    const member = {
      i,
      room,
      R: [],
      sends: [],
      chat: 0,
      dash: 0,
      real: i < p.real.length ? p.real[i] : null,
      timer: null,
      failed: false,
      lost: null,
    };
    const destinations = [...topics.map((t) => `/topic/${t}`), `/topic/rooms/${room}`];
    const chatDestination = p.mode === 'handlers' ? `/dap/rooms/${room}/send` : `/topic/rooms/${room}`;
    let send;
    try {
      if (member.real) {
        const real = await connectRealClient(member.real, target.urls);
        member.transport = real.transport;
        member.client = real;
        member.R = await Promise.all(destinations.map((d) => real.subscribe(d, (body) => deliver(member, body, now()))));
        send = (body) => real.send(chatDestination, body, 'application/json');
      } else {
        const client = new RawStompClient(target.urls.ws);
        client.onClose = (expected) => {
          if (!expected) unexpectedCloses++;
        };
        await client.connect();
        client.onMessage = (data, bodyStart) => deliver(member, bodyText(data, bodyStart), now());
        member.client = client;
        member.R = await Promise.all(destinations.map((d, k) => client.subscribe(d, `sub-${k}`)));
        send = (body) => client.write(sendFrame(chatDestination, body, 'application/json'));
      }
    } catch (error) {
      member.failed = true;
      member.error = error.message;
      members[i] = member;
      return;
    }
    members[i] = member;
    let seq = 0;
    const chat = () => {
      if (stopped || member.lost) return;
      const t = now();
      try {
        send(JSON.stringify({ k: 'c', roomId: String(room), sender: i, seq: seq++, t, sendMessage: chatText }));
      } catch (error) {
        // A stompjs client whose connection went away throws here; it is a lost client, not a crashed load generator.
        member.lost = error.message;
        return;
      }
      member.sends.push(t);
    };
    member.timer = setTimeout(() => {
      chat();
      member.timer = setInterval(chat, p.chatPeriodMs);
    }, Math.random() * p.chatPeriodMs);
  }

  // Join at a fixed rate.
  const joins = [];
  const interval = p.joinMs / C;
  for (let i = 0; i < C; i++) {
    const due = tStart + i * interval;
    const wait = due - now();
    if (wait > 1) await sleep(wait);
    joins.push(join(i));
  }
  await Promise.all(joins);
  const joinedAt = now();
  const s1 = await server('stats', { resetLoopDelay: true });
  const l1 = processStats();
  await sleep(p.steadyMs);
  const s2 = await server('stats');
  const l2 = processStats();
  stopped = true;
  for (const m of members) clearTimeout(m?.timer);
  const { log } = await server('dashboard-stop');
  // Drain: until nothing arrived for 500 ms (at most 5 s).
  const drainEnd = now() + 5000;
  while (now() < drainEnd && now() - lastDelivery < 500) await sleep(50);

  // Expected deliveries, exactly.
  const pushes = [[], [], []];
  for (const [topic, , t] of log) pushes[topic].push(t);
  for (const list of pushes) list.sort((a, b) => a - b);
  const rooms = new Map();
  for (const m of members) {
    if (!m || m.failed) continue;
    if (!rooms.has(m.room)) rooms.set(m.room, []);
    rooms.get(m.room).push(m);
  }
  const totals = { raw: { delivered: 0, expected: 0 }, real: new Map() };
  for (const m of members) {
    if (!m || m.failed) continue;
    let expected = 0;
    for (let k = 0; k < 3; k++) expected += pushes[k].length - upperBound(pushes[k], m.R[k] + margin);
    for (const sender of rooms.get(m.room)) expected += sender.sends.length - upperBound(sender.sends, m.R[3] + margin);
    const delivered = m.chat + m.dash;
    if (m.real) totals.real.set(m.real, { kind: m.real, transport: m.transport, delivered, expected, ok: delivered === expected });
    else {
      totals.raw.delivered += delivered;
      totals.raw.expected += expected;
    }
  }
  for (const m of members) if (m?.client) m.client.close();
  const failed = members.filter((m) => !m || m.failed);
  return {
    clients: C,
    joined: C - failed.length,
    /** Real clients that lost their connection mid-run (their sends threw). */
    lost: members.filter((m) => m?.lost).length,
    failed: failed.length,
    errors: [...new Set(failed.map((m) => m?.error ?? 'never joined'))].slice(0, 3),
    unexpectedCloses,
    mode: p.mode,
    joinSeconds: (joinedAt - tStart) / 1000,
    steadySeconds: (s2.t - s1.t) / 1000,
    chatSent: members.reduce((n, m) => n + (m?.sends.length ?? 0), 0),
    dashboardPushes: log.length,
    delivered: totals.raw.delivered,
    expected: totals.raw.expected,
    deliveredRatio: totals.raw.expected ? totals.raw.delivered / totals.raw.expected : NaN,
    early,
    latency: hist.summary(),
    chatLatency: kindHist.c.summary(),
    dashboardLatency: kindHist.d.summary(),
    serverCpuPct: cpuPct(s1, s2),
    serverCpuPctWhole: cpuPct(s0, s2),
    serverWritesPerSec: (s2.syscw - s1.syscw) / ((s2.t - s1.t) / 1000),
    loadgenCpuPct: cpuPct(l1, l2),
    loadgenCpuPctWhole: cpuPct(l0, l2),
    serverRssMB: s2.rss / 2 ** 20,
    serverLoopDelayMs: { p50: s2.loopDelayP50, p99: s2.loopDelayP99, max: s2.loopDelayMax },
    real: { clients: [...totals.real.values()], latency: realHist.summary() },
  };
}

/** Runs a one-server scenario against each target in turn (the runner gives one at a time). */
const single = (run) => async (p, targets) => {
  const out = {};
  for (const [key, target] of Object.entries(targets)) out[key] = await run(p, target, serverOf(key));
  return out;
};

const SCENARIOS = { fanout, template, connections: single(connections), original: single(original), resume: single(resume) };
process.send({ type: 'ready', kinds: REAL_KINDS });
