// Micro-benchmark of the subscription registry with many pattern subscriptions: µs per publish to a
// destination not seen before (a cache miss), and ms to close a session holding 1,000 patterns,
// next to a brute-force loop that tests every pattern (what a registry without an index does).
// Uses the compiled library: `npm run build && node bench/registry.bench.mjs`
// (`--dist=<dir>` points at another build's compiled library, its dist/ folder, to compare).
import { pathToFileURL } from 'node:url';
import { resolve } from 'node:path';

const distArg = process.argv.find((a) => a.startsWith('--dist='));
const dist = distArg ? pathToFileURL(resolve(distArg.slice(7))).href : new URL('../dist/', import.meta.url).href;
const { DestinationMatcher } = await import(`${dist}/engine/broker/destination.matcher.js`);
const { SubscriptionRegistry } = await import(`${dist}/engine/broker/subscription.registry.js`);

const SESSIONS = 50;
const PER_SESSION = 1_000;

/** 50 sessions × 1,000 patterns, the bound raised to hold them all. */
function fill(pattern) {
  const matcher = new DestinationMatcher();
  const registry = new SubscriptionRegistry(matcher, 1024, SESSIONS * PER_SESSION);
  for (let s = 0; s < SESSIONS; s++) {
    for (let i = 0; i < PER_SESSION; i++) registry.add(`s${s}`, `sub-${i}`, pattern(s, i), null);
  }
  return { matcher, registry };
}

function scenario(name, pattern, destination) {
  const { matcher, registry } = fill(pattern);
  const compiled = [];
  for (let s = 0; s < SESSIONS; s++) for (let i = 0; i < PER_SESSION; i++) compiled.push(matcher.compile(pattern(s, i)));
  let n = 0;
  let sink = 0;
  const publishes = 2_000;
  let start = performance.now();
  for (let k = 0; k < publishes; k++) sink += registry.match(destination(n++)).length;
  const publishUs = ((performance.now() - start) * 1000) / publishes;
  const bruteN = 200;
  start = performance.now();
  for (let k = 0; k < bruteN; k++) {
    const d = destination(n++);
    for (const p of compiled) if (p.test(d)) sink++;
  }
  const bruteUs = ((performance.now() - start) * 1000) / bruteN;
  // Warm the cache with many destinations, as a busy server has it, then close every session.
  for (let k = 0; k < 1024; k++) registry.match(destination(n++));
  start = performance.now();
  for (let s = 0; s < SESSIONS; s++) registry.removeSession(`s${s}`);
  const closeMs = (performance.now() - start) / SESSIONS;
  console.log(
    `${name.padEnd(34)} publish (cache miss) ${publishUs.toFixed(1).padStart(8)} µs   brute force ${bruteUs.toFixed(1).padStart(8)} µs   close a session of ${PER_SESSION} patterns ${closeMs.toFixed(2).padStart(7)} ms`,
  );
  return sink;
}

let sink = 0;
sink += scenario(
  'distinct prefixes /topic/s<S>/r<I>/*',
  (s, i) => `/topic/s${s}/r${i}/*`,
  (n) => `/topic/s${n % SESSIONS}/r${n % PER_SESSION}/x${n}`,
);
sink += scenario(
  'shared prefix /topic/*/r<S>-<I>',
  (s, i) => `/topic/*/r${s}-${i}`,
  (n) => `/topic/x${n}/r${n % SESSIONS}-${n % PER_SESSION}`,
);
if (sink < 0) console.log(sink);
