// The resume scenario (issue 10): N raw WebSocket subscribers on a destination with history lose their
// connections at once while the server goes on publishing at a fixed rate, then reconnect. Two rounds
// on one nestjs-stomp server (bench/stomp.server.mjs with BENCH_HISTORY=1), each on a destination of
// its own that the same history rule claims, so both pay the same to keep history:
//   plain:  the subscribers reconnect with a plain SUBSCRIBE (live only): what a client without the
//           helper gets, and the reference for the CPU of N reconnections under the same live load;
//   resume: they SUBSCRIBE with x-stream-offset:<last seq + 1>. The bench's destinations are fresh, so
//           the offset of message `seq` is `seq` and the body's seq is all a client needs (no epoch:
//           the same server, whose epoch is current).
// A RECEIPT for a resuming SUBSCRIBE comes once its replay has been handed to the connection, so the
// last RECEIPT of a round is when every subscriber has caught up (plain: has subscribed again).
import { RawStompClient } from './raw-stomp.mjs';
import { now, pool, sleep, waitFor } from './util.mjs';

const SEQ = Buffer.from('"seq":');

/** The number after "seq": in a dashboard-style body (control.mjs's startDashboard); frames come as Buffers. */
function seqOf(data, bodyStart) {
  let value = 0;
  for (let i = data.indexOf(SEQ, bodyStart) + SEQ.length; ; i++) {
    const c = data[i];
    if (!(c >= 48 && c <= 57)) return value;
    value = value * 10 + (c - 48);
  }
}

/** What one subscriber saw: received frames, duplicates (seq not above the last), gaps (seqs skipped). */
function subscriberState() {
  return { client: null, last: -1, received: 0, duplicates: 0, skipped: 0, lastBeforeDrop: -1, lastAtReceipt: -1 };
}

function onSeq(state, seq) {
  state.received++;
  if (seq <= state.last) state.duplicates++;
  else {
    state.skipped += seq - state.last - 1;
    state.last = seq;
  }
}

/** Opens a session per state (CONNECT only), at most `concurrency` at a time. */
async function connectAll(states, target, concurrency) {
  const results = await pool(states.length, concurrency, async (i) => {
    const state = states[i];
    const client = new RawStompClient(target.urls.ws);
    await client.connect();
    client.onMessage = (data, bodyStart) => onSeq(state, seqOf(data, bodyStart));
    state.client = client;
  });
  const failed = results.filter((r) => !r.ok);
  if (failed.length) throw new Error(`${failed.length} session(s) failed to connect: ${failed[0].error.message}`);
}

/** SUBSCRIBEs every session (headers per state), each waiting for its RECEIPT. */
async function subscribeAll(states, destination, concurrency, headersOf) {
  const results = await pool(states.length, concurrency, async (i) => {
    const state = states[i];
    await state.client.subscribe(destination, 'sub-0', 60_000, headersOf(state));
    state.lastAtReceipt = state.last;
  });
  const failed = results.filter((r) => !r.ok);
  if (failed.length) throw new Error(`${failed.length} SUBSCRIBE(s) failed: ${failed[0].error.message}`);
}

const cpuUs = (a, b) => b.cpuUs - a.cpuUs;

/**
 * One round: subscribe, publish, drop every connection, reconnect (CONNECT all, then SUBSCRIBE all,
 * resuming or not), drain. The SUBSCRIBE phase is measured on its own (reconnections are the same in
 * both rounds and noisy): its server CPU beyond live delivery (live messages in it x the live cost per
 * message) is what the SUBSCRIBEs cost, and with resume their replays.
 */
async function round(p, target, server, topic, resuming, logged = 0) {
  const destination = `/topic/${topic}`;
  const states = Array.from({ length: p.subscribers }, subscriberState);
  const receivedNow = () => states.reduce((sum, s) => sum + s.received, 0);
  await connectAll(states, target, p.concurrency);
  await subscribeAll(states, destination, p.concurrency, () => ({}));
  await server('dashboard-start', { topics: [topic], periodMs: p.periodMs, bodySize: p.bodySize });
  await sleep(p.warmupMs);
  const l0 = await server('stats');
  const r0 = receivedNow();
  await sleep(p.liveMs);
  const l1 = await server('stats');
  const liveCpuUsPerMsg = cpuUs(l0, l1) / (receivedNow() - r0);

  for (const state of states) {
    state.lastBeforeDrop = state.last;
    state.client.close();
  }
  await sleep(p.dropMs);
  const t0 = now();
  await connectAll(states, target, p.concurrency);
  const connectMs = now() - t0;
  const s0 = await server('stats');
  const r1 = receivedNow();
  const t1 = now();
  await subscribeAll(states, destination, p.concurrency, (state) => (resuming ? { 'x-stream-offset': String(state.last + 1) } : {}));
  const subscribeMs = now() - t1;
  const s1 = await server('stats');
  const inWindow = receivedNow() - r1;

  const { log } = await server('dashboard-stop');
  // The server's log runs on across rounds: this round's messages are the ones after `logged`.
  const published = log.length - logged;
  const complete = await waitFor(() => states.every((s) => s.last >= published - 1), 10_000, 10);
  await sleep(200);
  const replayed = resuming ? states.reduce((sum, s) => sum + Math.max(0, s.lastAtReceipt - s.lastBeforeDrop), 0) : 0;
  const lost = states.reduce((sum, s) => sum + s.skipped + (published - 1 - s.last), 0);
  const duplicates = states.reduce((sum, s) => sum + s.duplicates, 0);
  const stats = await server('gc');
  for (const state of states) state.client.close();
  return {
    logged: log.length,
    published,
    lost,
    duplicates,
    replayed,
    complete,
    connectMs,
    subscribeMs,
    catchUpMs: connectMs + subscribeMs,
    liveCpuUsPerMsg,
    // CPU of the SUBSCRIBE phase beyond what its live messages cost.
    subscribeExtraCpuUs: cpuUs(s0, s1) - liveCpuUsPerMsg * (inWindow - replayed),
    serverRssMB: stats.rss / 2 ** 20,
  };
}

/** Both rounds against the one server it is given (nestjs-stomp only: the baseline server keeps no history). */
export async function resume(p, target, server) {
  const plain = await round(p, target, server, 'resume/plain', false);
  const resumed = await round(p, target, server, 'resume/offset', true, plain.logged);
  // What the resuming SUBSCRIBEs cost beyond plain ones, per message they replayed.
  const replayCpuUsPerMsg = resumed.replayed > 0 ? (resumed.subscribeExtraCpuUs - plain.subscribeExtraCpuUs) / resumed.replayed : NaN;
  return {
    complete: resumed.complete,
    subscribers: p.subscribers,
    ratePerSec: 1000 / p.periodMs,
    dropMs: p.dropMs,
    plain,
    resumed,
    replayCpuUsPerMsg,
    liveCpuUsPerMsg: (plain.liveCpuUsPerMsg + resumed.liveCpuUsPerMsg) / 2,
  };
}
