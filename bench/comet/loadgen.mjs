// Load generator of `npm run bench:comet` (own process, forked by bench/comet.mjs): N clients of one
// mode against the running sample app. Phases: join (at a fixed rate), warm-up, the measured
// steady window, a drain (updates published in the window may still be on their way), then every
// client is closed. The server's CPU time is asked through the runner (IPC). Every wait is bounded.
//
// What it measures, over the steady window [t0, t1):
// - bytes both ways on every socket this process opened (./meter.mjs), and HTTP requests sent;
// - deliveries: an update reaching a client for the first time (for polling: the first answer
//   that shows it), counted when it arrives in the window; bytes per delivery = bytes / deliveries;
// - latency and completeness over the updates *published* in the window (their list is read from
//   the sample itself at the end, GET /api/dashboard/updates): arrival time - the update's own `time`
//   (Date.now() on the server when the chain produced it, whole ms; same machine, same clock).
import { Histogram, now, processStats, sleep, withTimeout } from '../lib/util.mjs';
import {
  DASHBOARD_DESTINATIONS,
  LoginSockJsClient,
  LoginStompClient,
  LongPollingClient,
  PollingClient,
  SockJsWebSocketClient,
  getJson,
  stompUpdate,
  updateKey,
} from './clients.mjs';
import { difference, snapshot } from './meter.mjs';

// ---- IPC: the server's stats, relayed by the runner ----
let callSeq = 0;
const calls = new Map();

function serverStats(reset = false) {
  const id = ++callSeq;
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      calls.delete(id);
      reject(new Error('the server did not answer stats in 15 s'));
    }, 15_000);
    calls.set(id, { resolve, timer });
    process.send({ type: 'server-stats', id, reset });
  });
}

const log = (text) => process.send({ type: 'progress', text });

process.on('message', async (msg) => {
  if (msg?.type === 'server-stats') {
    const call = calls.get(msg.id);
    if (!call) return;
    calls.delete(msg.id);
    clearTimeout(call.timer);
    call.resolve(msg.stats);
  } else if (msg?.cmd === 'run') {
    try {
      process.send({ type: 'result', result: await runMode(msg.params) });
    } catch (error) {
      process.send({ type: 'failed', error: String(error?.stack ?? error) });
    }
  }
});
process.on('disconnect', () => process.exit(0));

const cpuPct = (a, b) => ((b.cpuUs - a.cpuUs) / ((b.t - a.t) * 1000)) * 100;

/** One client of `mode`, joined (connected and subscribed, or holding its first dashboard). */
async function openClient(mode, i, p, onUpdate, onUnexpectedClose) {
  if (mode === 'polling' || mode === 'long-polling') {
    const client =
      mode === 'polling'
        ? new PollingClient(p.base, onUpdate, { periodMs: p.pollPeriodMs })
        : new LongPollingClient(p.base, onUpdate, { useLastUpdate: p.longPollSince === 'last-update' });
    try {
      await client.start();
    } catch (error) {
      client.stop();
      throw error;
    }
    client.loop = client.run();
    return { client, stop: () => client.stop(), stats: () => client.stats, error: () => client.lastError };
  }
  const login = `bench-${i}`;
  const client =
    mode === 'websocket'
      ? new LoginStompClient(`${p.base.replace(/^http/, 'ws')}${p.endpoint}/websocket`, login)
      : mode === 'sockjs-websocket'
        ? new SockJsWebSocketClient(`${p.base}${p.endpoint}`, login)
        : new LoginSockJsClient(`${p.base}${p.endpoint}`, login);
  client.onClose = (expected) => {
    if (!expected) onUnexpectedClose();
  };
  client.onMessage = (data, bodyStart) => {
    const at = now();
    const { key, publishedAt } = stompUpdate(data, bodyStart);
    onUpdate(key, publishedAt, at);
  };
  await client.connect(20_000);
  await Promise.all(DASHBOARD_DESTINATIONS.map((destination, k) => client.subscribe(destination, `sub-${k}`, 20_000)));
  return { client, stop: () => client.close(), stats: () => undefined, error: () => client.errors.at(-1) ?? '' };
}

/** The feed's updates after `seq`, read from the sample (a bookkeeping request: not counted). */
async function updatesAfter(p, seq) {
  const { status, body } = await getJson(`${p.base}/api/dashboard/updates?since=${seq}`, { bookkeeping: true, timeoutMs: 30_000 });
  if (status !== 200)
    throw new Error(
      `GET /api/dashboard/updates?since=${seq}: HTTP ${status} (more than the 1000 kept updates since the start of the mode?)`,
    );
  return body;
}

async function runMode(p) {
  const { mode } = p;
  const members = [];
  let unexpectedCloses = 0;
  let t1 = Infinity;
  let lastOldDelivery = 0;
  let duplicates = 0;

  // The feed's position before anyone joins: every update after it can be listed at the end.
  const seqBefore = (await updatesAfter(p, 2 ** 40)).seq;

  function join(i) {
    const member = { i, seen: new Map(), handle: null, failed: false, error: '' };
    members[i] = member;
    const onUpdate = (key, publishedAt, at) => {
      if (member.seen.has(key)) {
        duplicates++;
        return;
      }
      member.seen.set(key, at);
      if (publishedAt < t1) lastOldDelivery = at;
    };
    return openClient(mode, i, p, onUpdate, () => unexpectedCloses++).then(
      (handle) => (member.handle = handle),
      (error) => {
        member.failed = true;
        member.error = error.message;
      },
    );
  }

  // Join at a fixed rate.
  const tStart = now();
  const joins = [];
  const interval = p.joinMs / p.clients;
  for (let i = 0; i < p.clients; i++) {
    const wait = tStart + i * interval - now();
    if (wait > 1) await sleep(wait);
    joins.push(join(i));
  }
  await withTimeout(Promise.all(joins), 60_000, 'clients joining').catch(() => {});
  const joinSeconds = (now() - tStart) / 1000;
  const live = members.filter((m) => m.handle);
  const failed = members.filter((m) => !m.handle);
  log(
    `${live.length}/${p.clients} clients joined in ${joinSeconds.toFixed(1)} s${failed.length ? ` (${failed.length} failed: ${[...new Set(failed.map((m) => m.error))].slice(0, 2).join('; ')})` : ''}`,
  );
  if (live.length === 0) throw new Error(`no client joined: ${failed[0]?.error}`);

  await sleep(p.warmMs);

  // ---- the measured window ----
  const s0 = await serverStats(true);
  const m0 = snapshot();
  const l0 = processStats();
  const t0 = now();
  await sleep(p.steadyMs);
  t1 = now();
  const m1 = snapshot();
  const l1 = processStats();
  const s1 = await serverStats();

  // The updates published in the window, from the sample's own numbered feed.
  const feed = await updatesAfter(p, seqBefore);
  const published = feed.updates.filter((u) => u.payload.time >= t0 && u.payload.time < t1 - 10);
  const keys = published.map((u) => updateKey(u.topic, u.payload));

  // ---- drain: until every client saw every update of the window, or nothing of it came for 1 s ----
  const allSeen = () => live.every((m) => keys.every((k) => m.seen.has(k)));
  for (;;) {
    const elapsed = now() - t1;
    if (elapsed > p.drainMaxMs || allSeen()) break;
    if (elapsed > 1500 && now() - lastOldDelivery > 1000) break;
    await sleep(100);
  }
  const drainSeconds = (now() - t1) / 1000;
  for (const m of live) m.handle.stop();
  await Promise.race([Promise.allSettled(live.map((m) => m.handle.client.loop)), sleep(1000)]);

  // ---- figures ----
  const windowMs = t1 - t0;
  let windowDeliveries = 0;
  for (const m of live) for (const at of m.seen.values()) if (at >= t0 && at < t1) windowDeliveries++;
  const hist = new Histogram();
  const byTopic = {};
  let delivered = 0;
  let expected = 0;
  published.forEach((u, index) => {
    const topicHist = (byTopic[u.topic] ??= { updates: 0, hist: new Histogram() });
    topicHist.updates++;
    for (const m of live) {
      expected++;
      const at = m.seen.get(keys[index]);
      if (at === undefined) continue;
      delivered++;
      hist.record(at - u.payload.time);
      topicHist.hist.record(at - u.payload.time);
    }
  });
  const wire = difference(m0, m1);
  const http = {};
  for (const m of live) {
    const stats = m.handle.stats();
    if (stats) for (const [k, v] of Object.entries(stats)) http[k] = (http[k] ?? 0) + v;
  }
  const lostClients = live.filter((m) => m.handle.client.closed).length;
  return {
    mode,
    longPollSince: mode === 'long-polling' ? p.longPollSince : undefined,
    clients: p.clients,
    joined: live.length,
    failed: failed.length,
    errors: [...new Set(failed.map((m) => m.error))].slice(0, 3),
    unexpectedCloses,
    closedDuringRun: lostClients,
    joinSeconds,
    windowSeconds: windowMs / 1000,
    drainSeconds,
    updatesPublished: published.length,
    updatesPerSecond: published.length / (windowMs / 1000),
    deliveries: windowDeliveries,
    deliveriesPerSecond: windowDeliveries / (windowMs / 1000),
    delivered,
    expected,
    deliveredRatio: expected ? delivered / expected : NaN,
    duplicates,
    httpRequests: wire.requests,
    httpRequestsPerSecond: wire.requests / (windowMs / 1000),
    bytesUp: wire.written,
    bytesDown: wire.read,
    socketsOpened: wire.socketsOpened,
    bytesUpPerUpdate: wire.written / windowDeliveries,
    bytesDownPerUpdate: wire.read / windowDeliveries,
    bytesPerUpdate: (wire.written + wire.read) / windowDeliveries,
    bytesPerRequest: wire.requests ? (wire.written + wire.read) / wire.requests : NaN,
    wireKBps: (wire.written + wire.read) / windowMs,
    latency: hist.summary(),
    latencyByTopic: Object.fromEntries(Object.entries(byTopic).map(([topic, v]) => [topic, { updates: v.updates, ...v.hist.summary() }])),
    serverCpuPct: cpuPct(s0, s1),
    serverCpuUsPerDelivery: (s1.cpuUs - s0.cpuUs) / windowDeliveries,
    serverRssMB: s1.rss / 2 ** 20,
    serverLoopDelayP99Ms: s1.loopDelayP99,
    loadgenCpuPct: cpuPct(l0, l1),
    http: mode === 'polling' || mode === 'long-polling' ? http : undefined,
    firstClientError: live.map((m) => m.handle.error()).find((e) => e) ?? '',
  };
}

process.send({ type: 'ready', pid: process.pid });
