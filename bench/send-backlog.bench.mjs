// Micro-benchmark of what stomp_send_buffer_bytes adds to a flush: the real corker (socket.corker.js) corks
// 1,000 fake sockets, one small write each, and uncorks them at the end of the tick, with every owner's
// `flushed` hook unset (metrics off) or observing its backlog into a HistogramCounts (metrics on, as
// WebSocketConnection.observeBacklog does). Prints ns per flushed socket for both, alternating rounds.
// Uses the compiled library: `npm run build && node bench/send-backlog.bench.mjs` (`--dist=<dir>`: another build).
import { pathToFileURL } from 'node:url';
import { resolve } from 'node:path';

const distArg = process.argv.find((a) => a.startsWith('--dist='));
const dist = distArg ? pathToFileURL(resolve(distArg.slice(7))).href : new URL('../dist/', import.meta.url).href;
const { corkUntilNextTick } = await import(`${dist}/engine/transport/socket.corker.js`);
const { HistogramCounts, SEND_BACKLOG_BUCKETS } = await import(`${dist}/engine/session/histogram.counts.js`);

const SOCKETS = 1000;
const ROUNDS = 5000;

class FakeSocket {
  writableCorked = 0;
  destroyed = false;
  writableLength = 0;
  cork() {
    this.writableCorked++;
  }
  uncork() {
    if (this.writableCorked > 0) this.writableCorked--;
  }
}

class Owner {
  corkedBytes = 0;
  flushed = undefined;
  held = 0;
  constructor(socket) {
    this.socket = socket;
  }
  bufferedBytes() {
    return this.held + this.socket.writableLength;
  }
}

const histogram = new HistogramCounts(SEND_BACKLOG_BUCKETS);
// Two sets of owners, so neither's hook field changes shape during the run.
const ownersOf = (on) =>
  Array.from({ length: SOCKETS }, (_, i) => {
    const owner = new Owner(new FakeSocket());
    owner.socket.writableLength = i % 10 === 0 ? i * 100 : 0;
    if (on) owner.flushed = () => histogram.observe(owner.bufferedBytes());
    return owner;
  });
const sets = { off: ownersOf(false), on: ownersOf(true) };

async function round(owners) {
  const start = process.hrtime.bigint();
  for (const owner of owners) corkUntilNextTick(owner.socket, owner, 100);
  await new Promise((done) => process.nextTick(done));
  return Number(process.hrtime.bigint() - start);
}

for (let i = 0; i < 200; i++) for (const mode of ['off', 'on']) await round(sets[mode]);
const totals = { off: 0, on: 0 };
for (let i = 0; i < ROUNDS; i++) {
  for (const mode of i % 2 === 0 ? ['off', 'on'] : ['on', 'off']) totals[mode] += await round(sets[mode]);
}
const perFlush = (ns) => ns / (ROUNDS * SOCKETS);
console.log(`off: ${perFlush(totals.off).toFixed(1)} ns per flushed socket (cork + uncork, no hook)`);
console.log(`on:  ${perFlush(totals.on).toFixed(1)} ns per flushed socket (hook observes bufferedBytes())`);
console.log(`metrics add ${(perFlush(totals.on) - perFlush(totals.off)).toFixed(1)} ns per flush; ${histogram.count} observations`);
