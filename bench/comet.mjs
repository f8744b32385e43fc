#!/usr/bin/env node
// COMET vs WebSocket, measured on the sample app (issue 4): the same dashboard updates followed by
// N clients in five ways, one after the other: HTTP polling (GET every second), long polling,
// STOMP over SockJS xhr-streaming, over SockJS's websocket transport, and over raw WebSocket.
// For each: the real sample app (sample-app/dist/sample-app/src/main.js, built first) in its own process
// on 127.0.0.1, pinned to CPU 0; a fresh load generator (bench/comet/loadgen.mjs) pinned to CPU 1.
// Prints a table, writes bench/results/comet/latest.json and report.html (+ dated copies in runs/).
//
//   node bench/comet.mjs [--clients=500] [--modes=polling,long-polling,xhr-streaming,sockjs-websocket,websocket]
//                        [--join=5] [--steady=20] (seconds) [--no-build] [--no-pin]
//                        [--long-poll-since=response|last-update]
//   npm run bench:comet [-- flags]
import { fork, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { fileLimit, sleep, withTimeout } from './lib/util.mjs';
import { MODES, MODE_KEYS } from './comet/modes.mjs';
import { htmlReport, markdownTable, summaryLine, textTable } from './comet/report.mjs';
import { children, killAll } from './lib/children.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, '..');
const resultsDir = join(here, 'results', 'comet');
const sampleMain = join(root, 'sample-app', 'dist', 'sample-app', 'src', 'main.js');
const args = process.argv.slice(2);
const flag = (name) => args.includes(`--${name}`);
const option = (name) => args.find((a) => a.startsWith(`--${name}=`))?.slice(name.length + 3);

function positive(name, fallback) {
  const value = option(name) === undefined ? fallback : Number(option(name));
  if (!(value > 0)) throw new Error(`--${name} takes a positive number, got '${option(name)}'`);
  return value;
}

const CLIENTS = Math.round(positive('clients', 500));
const JOIN_MS = positive('join', 5) * 1000;
const STEADY_MS = positive('steady', 20) * 1000;
const WARM_MS = 2000;
const DRAIN_MAX_MS = 8000;
const LONG_POLL_SINCE = option('long-poll-since') ?? 'response';
const SELECTED = option('modes')?.split(',') ?? MODE_KEYS;
const PIN = !flag('no-pin') && os.cpus().length >= 2 && spawnSync('taskset', ['-V'], { stdio: 'ignore' }).status === 0;
for (const mode of SELECTED) if (!MODE_KEYS.includes(mode)) throw new Error(`unknown mode '${mode}' (modes: ${MODE_KEYS.join(', ')})`);
if (!['response', 'last-update'].includes(LONG_POLL_SINCE)) throw new Error(`--long-poll-since is 'response' or 'last-update'`);

// ---------------------------------------------------------------- children, always killed

/** A forked process with its last output lines kept for error reports. */
function spawnNode(file, { execArgv = [], env = process.env } = {}) {
  const child = fork(file, [], { execArgv, env, stdio: ['ignore', 'pipe', 'pipe', 'ipc'], cwd: root });
  children.add(child);
  const tail = [];
  const lineListeners = [];
  const keep = (chunk) => {
    for (const raw of String(chunk).split('\n')) {
      const line = raw.replace(/\x1b\[[0-9;]*m/g, '').trimEnd();
      if (!line.trim()) continue;
      tail.push(line);
      for (const listener of lineListeners) listener(line);
    }
    if (tail.length > 40) tail.splice(0, tail.length - 40);
  };
  child.stdout.on('data', keep);
  child.stderr.on('data', keep);
  const exited = new Promise((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));
  exited.then(() => children.delete(child));
  return { child, tail, exited, onLine: (listener) => lineListeners.push(listener) };
}

async function kill(proc) {
  if (!proc || proc.child.exitCode !== null || proc.child.signalCode !== null) return;
  proc.child.kill('SIGKILL');
  await Promise.race([proc.exited, sleep(5000)]);
}

function pin(pid, cpu) {
  if (PIN) spawnSync('taskset', ['-a', '-p', '-c', String(cpu), String(pid)], { stdio: 'ignore' });
}

/** The sample app, unmodified, with a preloaded probe answering CPU-time requests over IPC. */
function startServer() {
  const env = { ...process.env, HOST: '127.0.0.1', PORT: '0', NO_COLOR: '1' };
  const server = spawnNode(sampleMain, { execArgv: ['--import', pathToFileURL(join(here, 'comet', 'server-probe.mjs')).href], env });
  server.port = new Promise((resolve, reject) => {
    server.onLine((line) => {
      const match = /Open http:\/\/127\.0\.0\.1:(\d+)\//.exec(line);
      if (match) resolve(Number(match[1]));
    });
    server.exited.then(({ code, signal }) =>
      reject(new Error(`the sample app exited (${code ?? signal}) before listening:\n${server.tail.join('\n')}`)),
    );
  });
  server.port.catch(() => {});
  return server;
}

/** CPU jiffies of the whole machine and of the given processes (Linux /proc), to tell whether something else was busy. */
function jiffies(pids) {
  try {
    const fields = readFileSync('/proc/stat', 'utf8').split('\n')[0].trim().split(/\s+/).slice(1).map(Number);
    const machine = fields.reduce((a, b) => a + b, 0) - fields[3] - (fields[4] ?? 0);
    let own = 0;
    for (const pid of pids) {
      try {
        const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
        const after = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
        own += Number(after[11]) + Number(after[12]);
      } catch {}
    }
    return { machine, own, t: Date.now() };
  } catch {
    return undefined;
  }
}

const externalLoad = (a, b) => (a && b ? ((b.machine - a.machine - (b.own - a.own)) / ((b.t - a.t) / 10)) * 100 : NaN);

/** One mode: a fresh sample app and a fresh load generator, both killed at the end whatever happened. */
async function runMode(mode) {
  let server;
  let loadgen;
  try {
    server = startServer();
    const port = await withTimeout(server.port, 60_000, 'the sample app listening');
    pin(server.child.pid, 0);
    loadgen = spawnNode(join(here, 'comet', 'loadgen.mjs'), { execArgv: ['--max-old-space-size=4096'] });
    await withTimeout(
      new Promise((resolve, reject) => {
        loadgen.child.on('message', (m) => m?.type === 'ready' && resolve());
        loadgen.exited.then(() => reject(new Error(`load generator exited:\n${loadgen.tail.join('\n')}`)));
      }),
      30_000,
      'load generator ready',
    );
    pin(loadgen.child.pid, 1);
    // Relay: the load generator asks for the server's CPU time at the edges of its window.
    loadgen.child.on('message', (m) => {
      if (m?.type === 'server-stats' && server.child.connected) server.child.send({ cmd: 'stats', id: m.id, reset: m.reset });
      if (m?.type === 'progress') console.log(`  ${mode}: ${m.text}`);
    });
    server.child.on('message', (m) => {
      if (m?.type === 'stats' && loadgen.child.connected) loadgen.child.send({ type: 'server-stats', id: m.id, stats: m.stats });
    });
    const outcome = new Promise((resolve, reject) => {
      loadgen.child.on('message', (m) => {
        if (m?.type === 'result') resolve(m.result);
        if (m?.type === 'failed') reject(new Error(m.error));
      });
      loadgen.exited.then(({ code, signal }) =>
        reject(new Error(`load generator exited (${code ?? signal}):\n${loadgen.tail.join('\n')}`)),
      );
      server.exited.then(({ code, signal }) => reject(new Error(`the sample app exited (${code ?? signal}):\n${server.tail.join('\n')}`)));
    });
    const params = {
      mode,
      base: `http://127.0.0.1:${port}`,
      endpoint: process.env.STOMP_ENDPOINT || '/block',
      clients: CLIENTS,
      joinMs: JOIN_MS,
      warmMs: WARM_MS,
      steadyMs: STEADY_MS,
      drainMaxMs: DRAIN_MAX_MS,
      pollPeriodMs: 1000,
      longPollSince: LONG_POLL_SINCE,
    };
    const pids = [process.pid, server.child.pid, loadgen.child.pid];
    const before = jiffies(pids);
    loadgen.child.send({ cmd: 'run', params });
    const result = await withTimeout(outcome, JOIN_MS + WARM_MS + STEADY_MS + DRAIN_MAX_MS + 90_000, `${mode} run`);
    return { ok: true, ...result, externalLoadPct: externalLoad(before, jiffies(pids)) };
  } catch (error) {
    return {
      ok: false,
      mode,
      clients: CLIENTS,
      error: error.message,
      serverLog: server?.tail.slice(-10),
      loadgenLog: loadgen?.tail.slice(-10),
    };
  } finally {
    await kill(loadgen);
    await kill(server);
    await sleep(300);
  }
}

function build() {
  if (flag('no-build')) return 'skipped (--no-build)';
  const started = Date.now();
  const tsc = spawnSync(
    process.execPath,
    [join(root, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', 'sample-app/tsconfig.build.json'],
    { cwd: root, encoding: 'utf8' },
  );
  const seconds = ((Date.now() - started) / 1000).toFixed(1);
  if (tsc.status === 0) return `tsc -p sample-app/tsconfig.build.json (${seconds} s)`;
  if (!existsSync(sampleMain)) throw new Error(`build failed:\n${tsc.stdout}${tsc.stderr}`);
  const errors = `${tsc.stdout}${tsc.stderr}`.split('\n').filter((l) => l.includes('error TS'));
  console.warn(
    `WARNING: tsc reported ${errors.length} type error(s); running the JavaScript it emitted anyway:\n  ${errors.slice(0, 5).join('\n  ')}`,
  );
  return `tsc -p sample-app/tsconfig.build.json with ${errors.length} type error(s) (${seconds} s)`;
}

const NOTES = [
  'Each mode runs against a fresh sample app (sample-app/dist/sample-app/src/main.js, unmodified, default chain pace: a block every 5 s, transactions drawn every 250 ms at 2 to 10 per second, supply every second) and a fresh load-generator process. Clients join at a fixed rate, then 2 s of warm-up, then the measured window.',
  "polling: GET /api/dashboard once, then GET /api/dashboard/updates?since=<seq> every second, one request at a time per client, each client on its own kept-alive connection. long polling: GET /api/dashboard/long-poll?since=<seq> again as soon as the previous one answers. Both follow the answer's `seq`, as the README documents (--long-poll-since=last-update follows the last update carried instead).",
  'STOMP modes: CONNECT with a login name (heart-beats 0,0), SUBSCRIBE to /topic/blockInfo, /topic/tranInfo and /topic/supply with receipts. xhr-streaming: one long POST per client (bench/lib/raw-stomp.mjs); SockJS websocket: /block/<server>/<session>/websocket with SockJS framing; raw WebSocket: /block/websocket.',
  "HTTP req/s: requests sent by the load generator during the window (http.client.request.start). Bytes per update: bytesWritten (up) and bytesRead (down) of every TCP socket the load generator opened (net.client.socket), over the window, divided by the deliveries that arrived in the window: request lines, HTTP headers (Node's minimal client headers; a browser adds several hundred bytes per request), chunked encoding, WebSocket and SockJS framing, STOMP headers and bodies. TCP/IP headers are not counted.",
  "A delivery is one dashboard update (a transaction, a block or a supply tick) reaching one client for the first time; for polling, the first answer that shows it. Latency = arrival time - the update's own `time` field (Date.now() on the server when the chain produced it, whole milliseconds: figures carry up to 1 ms of rounding). delivered = deliveries / (updates published in the window x clients joined), after a drain of up to 8 s.",
  'Server CPU: process.cpuUsage() (user + system) of the sample app over the window, as % of one core, read through a probe preloaded with node --import. The server runs on CPU 0, the load generator on CPU 1 (taskset) when there are two cores.',
];

async function main() {
  const started = Date.now();
  const buildNote = build();
  if (!existsSync(sampleMain)) throw new Error(`${relative(root, sampleMain)} is missing: run \`npm run build:sample\``);
  mkdirSync(join(resultsDir, 'runs'), { recursive: true });
  const cpus = os.cpus();
  const limits = fileLimit();
  const machine = `${cpus.length} x ${cpus[0]?.model ?? 'cpu'}, ${(os.totalmem() / 2 ** 30).toFixed(0)} GiB, Linux ${os.release()}, Node ${process.version}`;
  const command =
    process.env.npm_lifecycle_event === 'bench:comet'
      ? `npm run bench:comet${args.length ? ` -- ${args.join(' ')}` : ''}`
      : `node bench/comet.mjs ${args.join(' ')}`.trim();
  const date = new Date().toISOString().replace(/\.\d+Z$/, 'Z');
  const setup = `${CLIENTS} clients per mode, joining over ${JOIN_MS / 1000} s, then ${WARM_MS / 1000} s warm-up and a ${STEADY_MS / 1000} s measured window; ${PIN ? 'sample app pinned to CPU 0, load generator to CPU 1' : 'no CPU pinning'}; loopback only.`;
  console.log(
    `COMET vs WebSocket on the sample app, ${date}\n${machine}; open files ${limits.soft}/${limits.hard}; build: ${buildNote}\n${setup}\n`,
  );
  if (Number.isFinite(limits.soft) && limits.soft < CLIENTS + 200)
    console.warn(`WARNING: the open-file limit (${limits.soft}) is below ${CLIENTS} clients: raise it (ulimit -n) or joins will fail`);

  const results = [];
  const summaries = [];
  for (const mode of SELECTED) {
    console.log(`${MODES.find((m) => m.key === mode).label}...`);
    const result = await runMode(mode);
    results.push(result);
    let line = summaryLine(result);
    if (!result.ok && result.serverLog?.length) line += `\n${' '.repeat(22)}server: ${result.serverLog.join(`\n${' '.repeat(30)}`)}`;
    summaries.push(line);
    console.log(line);
  }

  const table = textTable(results);
  console.log(`\n${table}\n\nMarkdown:\n\n${markdownTable(results)}\n`);
  const run = {
    date,
    machine,
    command,
    setup,
    build: buildNote,
    params: { clients: CLIENTS, joinMs: JOIN_MS, warmMs: WARM_MS, steadyMs: STEADY_MS, longPollSince: LONG_POLL_SINCE, pinned: PIN },
    results,
    table,
    markdown: markdownTable(results),
    summaries,
    notes: NOTES,
    seconds: (Date.now() - started) / 1000,
  };
  const stamp = date.replace(/:/g, '-');
  writeFileSync(join(resultsDir, 'latest.json'), JSON.stringify(run, null, 2));
  writeFileSync(join(resultsDir, 'report.html'), htmlReport(run));
  writeFileSync(join(resultsDir, 'runs', `${stamp}.json`), JSON.stringify(run, null, 2));
  writeFileSync(join(resultsDir, 'runs', `${stamp}.html`), htmlReport(run));
  console.log(
    `Wrote ${relative(root, join(resultsDir, 'latest.json'))} and ${relative(root, join(resultsDir, 'report.html'))} (dated copies in ${relative(root, join(resultsDir, 'runs'))}/) in ${run.seconds.toFixed(0)} s.`,
  );
  if (results.some((r) => !r.ok)) process.exitCode = 1;
}

main()
  .catch((error) => {
    console.error(error?.stack ?? error);
    process.exitCode = 1;
  })
  .finally(killAll);
