#!/usr/bin/env node
// Summarises a V8 .cpuprofile (node --cpu-prof): top functions by self time, and self time by
// origin (this library, ws, sockjs, Nest, Node internals, GC, idle).
//
//   node bench/profile-summary.mjs bench/results/profiles/<file>.cpuprofile [--top=25]
import { readFileSync } from 'node:fs';

const file = process.argv[2];
if (!file) {
  console.error('usage: node bench/profile-summary.mjs <file.cpuprofile> [--top=25]');
  process.exit(2);
}
const top = Number(process.argv.find((a) => a.startsWith('--top='))?.split('=')[1] ?? 25);
const profile = JSON.parse(readFileSync(file, 'utf8'));

const byId = new Map(profile.nodes.map((n) => [n.id, n]));
const self = new Map();
for (let i = 0; i < profile.samples.length; i++) {
  const id = profile.samples[i];
  self.set(id, (self.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0));
}

function origin(url, name) {
  if (name === '(garbage collector)') return 'GC';
  if (name === '(idle)') return 'idle';
  if (name === '(program)') return 'V8/native (program)';
  if (url.includes('/node_modules/ws/')) return 'ws';
  if (url.includes('/node_modules/sockjs/') || url.includes('/node_modules/faye-websocket') || url.includes('websocket-driver'))
    return 'sockjs';
  if (url.includes('/node_modules/@nestjs/') || url.includes('/node_modules/rxjs/')) return 'Nest/rxjs';
  if (url.includes('/dist/') && !url.includes('/node_modules/')) return 'nestjs-stomp (dist)';
  if (url.includes('/bench/')) return 'bench harness';
  if (url.startsWith('node:') || url === '') return 'Node core / native';
  return 'other';
}

const functions = new Map();
const origins = new Map();
let total = 0;
let busy = 0;
for (const [id, us] of self) {
  const node = byId.get(id);
  const { functionName, url, lineNumber } = node.callFrame;
  const name = functionName || '(anonymous)';
  const short = url.includes('/node_modules/')
    ? url.replace(/^.*\/node_modules\//, 'node_modules/')
    : url.replace(/^.*\/(dist|bench)\//, '$1/').replace(/^file:\/\//, '');
  const key = `${name}  ${short}${url ? `:${lineNumber + 1}` : ''}`;
  functions.set(key, (functions.get(key) ?? 0) + us);
  const o = origin(url, name);
  origins.set(o, (origins.get(o) ?? 0) + us);
  total += us;
  if (o !== 'idle') busy += us;
}

const pct = (us, of) => `${((us / of) * 100).toFixed(1).padStart(5)} %`;
console.log(`${file}\nsampled ${(total / 1e6).toFixed(2)} s, busy (not idle) ${(busy / 1e6).toFixed(2)} s; percentages are of busy time\n`);
console.log('self time by origin:');
for (const [o, us] of [...origins].filter(([o]) => o !== 'idle').sort((a, b) => b[1] - a[1])) console.log(`  ${pct(us, busy)}  ${o}`);
console.log(`\ntop ${top} functions by self time:`);
for (const [key, us] of [...functions]
  .filter(([k]) => !k.startsWith('(idle)'))
  .sort((a, b) => b[1] - a[1])
  .slice(0, top)) {
  console.log(`  ${pct(us, busy)}  ${key}`);
}
