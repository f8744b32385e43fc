// What one idle raw WebSocket session costs a server, stage by stage: socket open (no STOMP yet), after CONNECT,
// after one SUBSCRIBE. Forks the server (bench/stomp.server.mjs, bench/baseline.server.mjs, or --server=<file> with
// the same IPC contract), opens N WebSockets from this process and reads the server's heap and RSS after a forced GC
// at each stage. With --snapshots it also writes a heap snapshot per stage and prints, per stage, the objects new
// since the one before, grouped by type, name and first retainer (object ids are stable within one process).
//
//   npm run build && node bench/session-memory.bench.mjs [--sessions=2000] [--server=baseline] [--snapshots] [--top=30]
import { fork } from 'node:child_process';
import { mkdirSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import WebSocket from 'ws';
import { CONNECT_FRAME, subscribeFrame } from './lib/raw-stomp.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const option = (name, fallback) => process.argv.find((a) => a.startsWith(`--${name}=`))?.split('=')[1] ?? fallback;
const N = Number(option('sessions', 2000));
const SNAPSHOTS = process.argv.includes('--snapshots');
const TOP = Number(option('top', 30));
const serverOption = option('server', 'ours');
const serverFile =
  { ours: join(here, 'stomp.server.mjs'), baseline: join(here, 'baseline.server.mjs') }[serverOption] ?? resolve(serverOption);
const snapshotDir = join(here, 'results', 'heap');

const child = fork(serverFile, [], { execArgv: ['--expose-gc'], stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
process.on('exit', () => child.kill('SIGKILL'));
let seq = 0;
const pending = new Map();
child.on('message', (m) => {
  if (m?.type !== 'reply') return;
  pending.get(m.id)?.(m.reply ?? { error: m.error });
  pending.delete(m.id);
});
const call = (cmd, args = {}) =>
  new Promise((done) => {
    const id = ++seq;
    pending.set(id, done);
    child.send({ cmd, id, ...args });
  });
const info = await new Promise((done) => child.on('message', (m) => m?.type === 'ready' && done(m)));

async function stage(name) {
  await new Promise((done) => setTimeout(done, 500));
  const stats = await call('gc');
  let file;
  if (SNAPSHOTS) {
    mkdirSync(snapshotDir, { recursive: true });
    ({ file } = await call('heap-snapshot', { file: join(snapshotDir, `${info.impl.replace(/\W+/g, '-')}-${name}.heapsnapshot`) }));
  }
  return { name, rss: stats.rss, heap: stats.heapUsed, file };
}

/** Sends `frame` on every socket and waits for one answer each (CONNECTED, RECEIPT). */
function everyOneAnswers(sockets, frame) {
  return new Promise((done) => {
    let answered = 0;
    for (const ws of sockets) {
      ws.once('message', () => ++answered === sockets.length && done());
      ws.send(frame);
    }
  });
}

const stages = [await stage('start')];
const sockets = [];
for (let i = 0; i < N; i += 100) {
  const batch = Array.from({ length: Math.min(100, N - i) }, () => {
    const ws = new WebSocket(info.urls.ws, ['v12.stomp'], { perMessageDeflate: false });
    sockets.push(ws);
    return new Promise((done, fail) => ws.once('open', done).once('error', fail));
  });
  await Promise.all(batch);
}
stages.push(await stage('open'));
await everyOneAnswers(sockets, CONNECT_FRAME);
stages.push(await stage('connected'));
await everyOneAnswers(sockets, subscribeFrame('/topic/idle', 'sub-0', 'r1'));
stages.push(await stage('subscribed'));

const kib = (bytes) => (bytes / 1024 / N).toFixed(2).padStart(6);
console.log(`${info.impl}, ${N} sessions: KiB per session added by each stage (after a forced GC)`);
for (let i = 1; i < stages.length; i++) {
  const [a, b] = [stages[i - 1], stages[i]];
  console.log(`  ${b.name.padEnd(11)} heap ${kib(b.heap - a.heap)}  RSS ${kib(b.rss - a.rss)}`);
}
const [first, last] = [stages[0], stages.at(-1)];
console.log(`  ${'total'.padEnd(11)} heap ${kib(last.heap - first.heap)}  RSS ${kib(last.rss - first.rss)}`);
if (SNAPSHOTS) {
  console.log('(RSS is inflated by the snapshots themselves; the heap figures hold)');
  for (let i = 1; i < stages.length; i++) census(stages[i - 1].file, stages[i].file, `${stages[i - 1].name} -> ${stages[i].name}`);
}
for (const ws of sockets) ws.terminate();
process.exit(0);

/** Objects in `after` whose ids are not in `before`, grouped by type:name and first (strong) retainer, bytes per session. */
function census(before, after, title) {
  const old = new Set();
  const a = JSON.parse(readFileSync(before, 'utf8'));
  const fieldsA = a.snapshot.meta.node_fields;
  for (let i = fieldsA.indexOf('id'); i < a.nodes.length; i += fieldsA.length) old.add(a.nodes[i]);
  const b = JSON.parse(readFileSync(after, 'utf8'));
  const { node_fields: nf, node_types: nt, edge_fields: ef, edge_types: et } = b.snapshot.meta;
  const [F, E] = [nf.length, ef.length];
  const at = (name) => nf.indexOf(name);
  const [iType, iName, iId, iSize, iEdges] = [at('type'), at('name'), at('id'), at('self_size'), at('edge_count')];
  const [eType, eName, eTo] = [ef.indexOf('type'), ef.indexOf('name_or_index'), ef.indexOf('to_node')];
  const { nodes, edges, strings } = b;
  const label = (i) => {
    const type = nt[0][nodes[i + iType]];
    return /string|number/.test(type) ? type : `${type}:${strings[nodes[i + iName]].slice(0, 40)}`;
  };
  const retainer = new Map();
  for (let i = 0, e = 0; i < nodes.length; i += F) {
    for (let k = 0; k < nodes[i + iEdges]; k++, e += E) {
      const kind = et[0][edges[e + eType]];
      if (kind === 'weak' || kind === 'shortcut' || retainer.has(edges[e + eTo])) continue;
      retainer.set(edges[e + eTo], [i, kind === 'element' || kind === 'hidden' ? `[${kind}]` : String(strings[edges[e + eName]])]);
    }
  }
  const groups = new Map();
  for (let i = 0; i < nodes.length; i += F) {
    if (old.has(nodes[i + iId])) continue;
    const r = retainer.get(i);
    const key = `${label(i)} <-${r ? `${r[1]}- ${label(r[0])}` : ' (root)'}`;
    const group = groups.get(key) ?? { count: 0, bytes: 0 };
    group.count++;
    group.bytes += nodes[i + iSize];
    groups.set(key, group);
  }
  const rows = [...groups].sort((x, y) => y[1].bytes - x[1].bytes);
  const total = rows.reduce((sum, [, g]) => sum + g.bytes, 0);
  console.log(`\n${title}: ${(total / N).toFixed(0)} B per session in new objects; the largest groups:`);
  for (const [key, g] of rows.slice(0, TOP))
    console.log(`${(g.bytes / N).toFixed(0).padStart(6)} B ${(g.count / N).toFixed(2).padStart(6)}x  ${key}`);
}
