#!/usr/bin/env node
// Runs the bench: for every scenario variant, the baseline server then nestjs-stomp, each in its own
// process with a fresh load-generator process next to it; prints one summary line per variant, then
// a table, and writes JSON + an HTML report under bench/results/ (git-ignored).
//
//   node bench/run.mjs [--full] [--only=fanout,template,connections,original,resume] [--profile] [--no-build] [--no-pin]
//                      [--clients=500,2000 (original sizes)] [--ours-server=<file>] [--baseline-server=<file>]
//                      [--variants=S=100,S=10000 (by label)]
//
// npm run bench            quick set (< 3 min)
// npm run bench -- --full  whole matrix
import { fork, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { dirname, isAbsolute, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { htmlReport, metricsOf, scaleLimits, summaryLine, textTable } from './lib/report.mjs';
import { REAL_KINDS } from './lib/real-clients.mjs';
import { fileLimit, sleep, withTimeout } from './lib/util.mjs';
import { children, killAll } from './lib/children.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, '..');
const resultsDir = join(here, 'results');
const args = process.argv.slice(2);
const flag = (name) => args.includes(`--${name}`);
const option = (name) => args.find((a) => a.startsWith(`--${name}=`))?.split('=')[1];
const FULL = flag('full');
const PROFILE = flag('profile');
const PIN = !flag('no-pin') && os.cpus().length >= 2 && spawnSync('taskset', ['-V']).status === 0;
const ONLY = option('only')?.split(',');
/** --variants=S=100,S=10000: only the variants with these labels (labels hold '=', so not through option()). */
const VARIANTS = args
  .find((a) => a.startsWith('--variants='))
  ?.slice('--variants='.length)
  .split(',');
/** Scenarios whose measured windows alternate between the two servers in one run. */
const PAIRED = new Set(['fanout', 'template']);
const IMPLS = [
  // --uncorked-baseline measures against the old baseline that writes every frame in its own syscall.
  {
    key: 'baseline',
    // --baseline-server=<file> pairs ours against another server script, e.g. ours with metrics off (stomp.server.mjs).
    file: option('baseline-server') ? resolve(option('baseline-server')) : 'baseline.server.mjs',
    env: flag('uncorked-baseline') ? { ...process.env, BASELINE_UNCORKED: '1' } : process.env,
  },
  // --ours-server=<file> swaps in another server script (same IPC contract), to try an optimisation.
  { key: 'ours', file: option('ours-server') ? resolve(option('ours-server')) : 'stomp.server.mjs' },
];

// ---------------------------------------------------------------- children, always killed

/** A forked bench process: its output kept (last lines) for error reports, its IPC messages routed. */
function spawnNode(file, execArgv, env = process.env) {
  const child = fork(isAbsolute(file) ? file : join(here, file), [], {
    execArgv,
    env,
    stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
    cwd: root,
  });
  children.add(child);
  const tail = [];
  const keep = (chunk) => {
    for (const line of String(chunk).split('\n')) if (line.trim()) tail.push(line);
    if (tail.length > 40) tail.splice(0, tail.length - 40);
  };
  child.stdout.on('data', keep);
  child.stderr.on('data', keep);
  const exited = new Promise((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));
  exited.then(() => children.delete(child));
  const ready = new Promise((resolve, reject) => {
    const onMessage = (m) => {
      if (m?.type === 'ready') {
        child.off('message', onMessage);
        resolve(m);
      }
    };
    child.on('message', onMessage);
    exited.then(({ code, signal }) => reject(new Error(`${file} exited (${code ?? signal}) before it was ready:\n${tail.join('\n')}`)));
  });
  ready.catch(() => {});
  return { child, tail, exited, ready };
}

async function stop(proc, gracefulMs) {
  if (!proc || proc.child.exitCode !== null || proc.child.signalCode !== null) return;
  if (gracefulMs > 0 && proc.child.connected) {
    proc.child.send({ cmd: 'exit' });
    const done = await Promise.race([proc.exited.then(() => true), sleep(gracefulMs).then(() => false)]);
    if (done) return;
  }
  proc.child.kill('SIGKILL');
  await Promise.race([proc.exited, sleep(5000)]);
}

/** CPU jiffies (1/100 s) spent by the whole machine, and by the given processes (Linux /proc). */
function jiffies(pids) {
  try {
    const [, ...fields] = readFileSync('/proc/stat', 'utf8').split('\n')[0].trim().split(/\s+/).map(Number);
    const machine = fields.reduce((a, b) => a + b, 0) - fields[3] - (fields[4] ?? 0); // minus idle and iowait
    let own = 0;
    for (const pid of pids) {
      try {
        const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
        const after = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
        own += Number(after[11]) + Number(after[12]); // utime, stime
      } catch {}
    }
    return { machine, own, t: Date.now() };
  } catch {
    return undefined;
  }
}

/** Percent of one core used by processes other than the bench's own between two samples. */
function externalLoad(a, b) {
  if (!a || !b) return NaN;
  return ((b.machine - a.machine - (b.own - a.own)) / ((b.t - a.t) / 10)) * 100;
}

function pin(pid, cpu) {
  if (PIN) spawnSync('taskset', ['-a', '-p', '-c', String(cpu), String(pid)], { stdio: 'ignore' });
}

/**
 * One scenario variant against `impls` (both servers at once for the paired scenarios, whose
 * measured windows alternate; one otherwise), with a fresh load-generator process. Every process
 * is killed at the end, whatever happened. Resolves to { [impl.key]: result }.
 */
async function runScenario(impls, scenario, variant, timeoutMs) {
  const servers = {};
  let loadgen;
  const failed = (error) =>
    Object.fromEntries(
      impls.map((impl) => [
        impl.key,
        { ok: false, error: error.message, serverLog: servers[impl.key]?.tail.slice(-10), loadgenLog: loadgen?.tail.slice(-10) },
      ]),
    );
  try {
    const targets = {};
    for (const impl of impls) {
      const execArgv = ['--expose-gc'];
      if (PROFILE && impl.key === 'ours') {
        execArgv.push(
          '--cpu-prof',
          `--cpu-prof-dir=${join(resultsDir, 'profiles')}`,
          `--cpu-prof-name=${scenario}-${variant.label.replace(/[^\w.-]+/g, '_')}.cpuprofile`,
        );
      }
      const env = variant.params.serverEnv ? { ...(impl.env ?? process.env), ...variant.params.serverEnv } : impl.env;
      servers[impl.key] = spawnNode(impl.file, execArgv, env);
      const info = await withTimeout(servers[impl.key].ready, 60_000, `${impl.file} ready`);
      pin(info.pid, 0);
      targets[impl.key] = info;
    }
    loadgen = spawnNode('loadgen.mjs', ['--max-old-space-size=4096']);
    await withTimeout(loadgen.ready, 30_000, 'loadgen ready');
    pin(loadgen.child.pid, 1);
    // Relay: load generator <-> servers.
    loadgen.child.on('message', (m) => {
      const server = servers[m?.to];
      if (m?.type === 'to-server' && server?.child.connected) server.child.send(m.msg);
    });
    for (const server of Object.values(servers)) {
      server.child.on('message', (m) => {
        if (m?.type === 'reply' && loadgen.child.connected)
          loadgen.child.send({ type: 'server-reply', id: m.id, reply: m.reply, error: m.error });
      });
    }
    const outcome = new Promise((resolve, reject) => {
      loadgen.child.on('message', (m) => {
        if (m?.type === 'result') resolve(m.result);
        if (m?.type === 'failed') reject(new Error(m.error));
      });
      loadgen.exited.then(({ code, signal }) => reject(new Error(`loadgen exited (${code ?? signal}):\n${loadgen.tail.join('\n')}`)));
      for (const [key, server] of Object.entries(servers)) {
        server.exited.then(({ code, signal }) => reject(new Error(`${key} server exited (${code ?? signal}):\n${server.tail.join('\n')}`)));
      }
    });
    const mode = variant.params.mode ?? (handlersAvailable && (targets.ours?.handlers ?? true) ? 'handlers' : 'broker');
    loadgen.child.send({ cmd: 'run', scenario, params: { ...variant.params, mode }, targets });
    const pids = [process.pid, loadgen.child.pid, ...Object.values(servers).map((s) => s.child.pid)];
    const before = jiffies(pids);
    const result = await withTimeout(outcome, timeoutMs, `${scenario} ${variant.label}`);
    const externalLoadPct = externalLoad(before, jiffies(pids));
    return Object.fromEntries(
      Object.entries(result).map(([key, r]) => [key, { ok: true, ...r, handlers: targets[key].handlers, externalLoadPct }]),
    );
  } catch (error) {
    return failed(error);
  } finally {
    // Servers first (a CPU profile, when asked, is written on a clean exit), then the load generator.
    for (const [key, server] of Object.entries(servers)) await stop(server, PROFILE && key === 'ours' ? 15_000 : 0);
    await stop(loadgen, 0);
    await sleep(300);
  }
}

let handlersAvailable = false;

const METRIC_NOTES = [
  'fanout/template: delivered msg/s = MESSAGE frames received by all raw subscribers per second of measured window (publishing + drain); server CPU us/msg = server process CPU time (user+system, process.cpuUsage) / delivered frames; latency = receive time - publish timestamp in the body, which under a saturating publisher is mostly the flow window (W unconfirmed messages) waiting in queues. The measured windows of the two servers alternate (0.5 s slices) so machine noise falls on both; CPU us/msg is the robust figure, msg/s follows the CPU the server got.',
  'template: the server publishes in a loop (nestjs-stomp: await SimpMessagingTemplate.convertAndSend; baseline: its own publish with the same JSON conversion), paced by progress reports from the load generator.',
  'connections: idle sessions, each CONNECTed (heart-beat 0,0) with one SUBSCRIBE; KiB/session = (server RSS after - before) / sessions, after a forced GC (--expose-gc). JS heap is the same for heapUsed.',
  "original: clients join at a fixed rate, subscribe to /topic/blockInfo, /topic/tranInfo, /topic/supply (pushed by the server once a second each) and /topic/rooms/<room> (rooms of 10), and SEND one chat message a second to /dap/rooms/<room>/send (@MessageMapping + @SendTo in nestjs-stomp, a fixed route in the baseline). delivered/expected counts every message published after the receiver's SUBSCRIBE receipt; server CPU % is over the steady phase after the last join.",
  'resume: nestjs-stomp only (the baseline server keeps no history, so it has nothing to resume from); its baseline column is the same server in the same run, subscribers reconnecting with a plain SUBSCRIBE (live only). N raw ws subscribers on /topic/resume/<round> (history on) are dropped at once (socket terminated) while the server publishes at a fixed rate, then reconnect (concurrency 100): lost = seqs never received; reconnect + catch-up = from the first new CONNECT (all sessions CONNECT, then all SUBSCRIBE) until the last RECEIPT (a resuming SUBSCRIBE is done once its replay is handed to the connection); live CPU us/msg = server CPU / messages delivered before the drop; replay CPU us/msg = (server CPU of the resuming SUBSCRIBE phase - its live messages x live us/msg) minus the same for the plain round, per replayed message.',
  'check: a few @stomp/stompjs sessions (over sockjs-client, forced xhr-streaming, and ws) subscribed next to the raw clients must receive the same messages, in order.',
];

// ---------------------------------------------------------------- the matrix
const limits = fileLimit();
const wsCap = Number.isFinite(limits.soft) ? limits.soft - 600 : 19_000;
const fanoutBase = { window: 16, bodySize: 100, checkCount: 200, checkMs: 10_000, warmupMs: 1000, real: REAL_KINDS };
const resumeBase = { concurrency: 100, bodySize: 100, warmupMs: 500, liveMs: 2000, serverEnv: { BENCH_HISTORY: '1' } };
/** Fan-out to S subscribers over a SockJS transport (the publisher stays on raw WebSocket); compared with the raw row of the same S. */
const sockJsFanout = (S, timing) =>
  [
    ['sockjs-ws', 'sockjs-ws'],
    ['sockjs', 'xhr-streaming'],
  ].map(([transport, name]) => ({
    label: `S=${S} ${name}`,
    params: { ...fanoutBase, subscribers: S, transport, concurrency: 50, ...timing },
  }));
const originalBase = { roomSize: 10, chatPeriodMs: 1000, dashboardPeriodMs: 1000, chatSize: 60, dashboardSize: 200, real: REAL_KINDS };
const quick = {
  fanout: [
    { label: 'S=100', params: { ...fanoutBase, subscribers: 100, windowMs: 4000, rounds: 8 } },
    { label: 'S=1000', params: { ...fanoutBase, subscribers: 1000, windowMs: 4000, rounds: 8 } },
    // S=10 and the SockJS rows are --full only: with them the quick set took 3.5 min, over its 3.
  ],
  template: [{ label: 'S=100', params: { ...fanoutBase, window: 32, subscribers: 100, windowMs: 4000, rounds: 8 } }],
  connections: [
    {
      label: `ws N=${Math.min(5000, wsCap)}`,
      params: { transport: 'ws', sessions: Math.min(5000, wsCap), concurrency: 100, real: ['stompjs+ws', 'stompjs+sockjs'] },
    },
    { label: 'sockjs N=1000', params: { transport: 'sockjs', sessions: 1000, concurrency: 50, real: ['stompjs+sockjs/xhr-streaming'] } },
  ],
  original: (option('clients')?.split(',').map(Number) ?? [500]).map((clients) => ({
    label: `C=${clients}`,
    params: { ...originalBase, clients, joinMs: 10_000, steadyMs: 15_000 },
  })),
  resume: [{ label: 'N=1000 100/s drop 2s', params: { ...resumeBase, subscribers: 1000, periodMs: 10, dropMs: 2000 } }],
};
const full = {
  fanout: [
    { label: 'S=10', params: { ...fanoutBase, subscribers: 10, windowMs: 10_000, rounds: 20 } },
    { label: 'S=100', params: { ...fanoutBase, subscribers: 100, windowMs: 10_000, rounds: 20 } },
    { label: 'S=1000', params: { ...fanoutBase, subscribers: 1000, windowMs: 10_000, rounds: 20 } },
    // 2 x 10,000 client sockets would pass the load generator's open-file limit: one server at a time.
    {
      label: 'S=10000',
      sequential: true,
      params: { ...fanoutBase, subscribers: Math.min(10_000, wsCap), concurrency: 200, windowMs: 10_000, rounds: 10 },
    },
    ...sockJsFanout(100, { windowMs: 10_000, rounds: 20 }),
    ...sockJsFanout(1000, { windowMs: 10_000, rounds: 20 }),
  ],
  template: [
    { label: 'S=100', params: { ...fanoutBase, window: 32, subscribers: 100, windowMs: 10_000, rounds: 20 } },
    { label: 'S=1000', params: { ...fanoutBase, window: 32, subscribers: 1000, windowMs: 10_000, rounds: 20 } },
  ],
  connections: [
    {
      label: `ws N=${Math.min(19_000, wsCap)}`,
      params: { transport: 'ws', sessions: Math.min(19_000, wsCap), concurrency: 200, real: ['stompjs+ws', 'stompjs+sockjs'] },
    },
    { label: 'sockjs N=5000', params: { transport: 'sockjs', sessions: 5000, concurrency: 100, real: ['stompjs+sockjs/xhr-streaming'] } },
  ],
  // Up to what one process may hold open (the open-file limit), to find where each server stops keeping up.
  original: (option('clients')?.split(',').map(Number) ?? [...new Set([500, 2000, 5000, 10_000, wsCap])].filter((c) => c <= wsCap)).map(
    (clients) => ({
      label: `C=${clients}`,
      // Past 10,000 clients at most 500 joins/s: faster, the load generator itself fell 10 s behind with CONNECTs.
      params: { ...originalBase, clients, joinMs: Math.max(20_000, clients * 2), steadyMs: 30_000 },
    }),
  ),
  resume: [
    { label: 'N=1000 100/s drop 2s', params: { ...resumeBase, subscribers: 1000, periodMs: 10, dropMs: 2000 } },
    { label: 'N=1000 100/s drop 5s', params: { ...resumeBase, subscribers: 1000, periodMs: 10, dropMs: 5000 } },
  ],
};
const matrix = FULL ? full : quick;

function timeoutFor(scenario, params) {
  if (scenario === 'original') return params.joinMs + params.steadyMs + 90_000;
  if (scenario === 'connections') return 60_000 + params.sessions * 10;
  if (scenario === 'resume') return 120_000;
  return 90_000 + params.windowMs * 2 + params.subscribers * 10;
}

/** A SockJS fan-out row's raw WebSocket row: same S, run earlier in this invocation. */
function rawReference(entries, variant) {
  if (!variant.params.transport || variant.params.transport === 'ws') return undefined;
  return entries.find((e) => !e.params.transport && e.params.subscribers === variant.params.subscribers);
}

// ---------------------------------------------------------------- build
function build() {
  if (flag('no-build')) {
    const lib = join(root, 'dist', 'index.js');
    if (!existsSync(lib)) throw new Error('dist/index.js is missing: run `npm run build` (or drop --no-build)');
    return 'skipped (--no-build)';
  }
  const started = Date.now();
  const tsc = spawnSync(process.execPath, [join(root, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', 'tsconfig.build.json'], {
    cwd: root,
    encoding: 'utf8',
  });
  const seconds = ((Date.now() - started) / 1000).toFixed(1);
  if (tsc.status === 0) return `tsc -p tsconfig.build.json (${seconds} s)`;
  if (!existsSync(join(root, 'dist', 'index.js'))) throw new Error(`build failed:\n${tsc.stdout}${tsc.stderr}`);
  const errors = `${tsc.stdout}${tsc.stderr}`.split('\n').filter((l) => l.includes('error TS'));
  console.warn(
    `WARNING: tsc reported ${errors.length} type error(s); benchmarking the JavaScript it emitted anyway:\n  ${errors.slice(0, 5).join('\n  ')}`,
  );
  return `tsc -p tsconfig.build.json with ${errors.length} type error(s) (${seconds} s)`;
}

// ---------------------------------------------------------------- main
async function main() {
  const started = Date.now();
  const buildNote = build();
  const stompLib = await import(join(root, 'dist', 'index.js'));
  handlersAvailable = typeof stompLib.MessageMapping === 'function' && typeof stompLib.SendTo === 'function';
  mkdirSync(join(resultsDir, 'profiles'), { recursive: true });

  const cpu = os.cpus();
  const machine = `${cpu.length} x ${cpu[0]?.model ?? 'cpu'}, ${(os.totalmem() / 2 ** 30).toFixed(0)} GiB, Linux ${os.release()}, Node ${process.version}`;
  const command =
    process.env.npm_lifecycle_event === 'bench'
      ? `npm run bench${args.length ? ` -- ${args.join(' ')}` : ''}`
      : `node bench/run.mjs ${args.join(' ')}`.trim();
  const date = new Date().toISOString().replace(/\.\d+Z$/, 'Z');
  console.log(
    `nestjs-stomp bench (${FULL ? 'full matrix' : 'quick set'}) ${date}\n${machine}; open files ${limits.soft}/${limits.hard}; ${PIN ? 'server pinned to CPU 0, load generator to CPU 1' : 'no CPU pinning'}; build: ${buildNote}\n`,
  );
  const notes = [
    `build: ${buildNote}`,
    `@MessageMapping handlers ${handlersAvailable ? 'exported by dist/' : 'NOT exported by dist/: the original scenario sends straight to /topic/rooms/<room>'}`,
    `open files: soft ${limits.soft}, hard ${limits.hard}`,
  ];
  if (option('ours-server')) notes.push(`EXPERIMENT: nestjs-stomp column ran ${option('ours-server')} instead of bench/stomp.server.mjs`);
  notes.push(...METRIC_NOTES);
  if (FULL && wsCap < 19_000) notes.push(`ws connections capped at ${wsCap} by the open-file limit (${limits.soft})`);

  const run = { date, machine, command, full: FULL, pinned: PIN, scenarios: {}, rows: [], summaries: [], notes };
  for (const [scenario, variants] of Object.entries(matrix)) {
    if (ONLY && !ONLY.includes(scenario)) continue;
    run.scenarios[scenario] = [];
    for (const variant of variants) {
      if (VARIANTS && !VARIANTS.includes(variant.label)) continue;
      const timeout = timeoutFor(scenario, variant.params);
      const results =
        PAIRED.has(scenario) && !variant.sequential
          ? await runScenario(IMPLS, scenario, variant, timeout * 2)
          : scenario === 'resume'
            ? await runScenario([IMPLS[1]], scenario, variant, timeout)
            : {
                ...(await runScenario([IMPLS[0]], scenario, variant, timeout)),
                ...(await runScenario([IMPLS[1]], scenario, variant, timeout)),
              };
      const { baseline, ours } = results;
      const reference = rawReference(run.scenarios[scenario], variant);
      const entry = {
        label: variant.label,
        params: variant.params,
        baseline,
        ours,
        metrics: metricsOf(scenario, variant, baseline, ours, reference),
      };
      run.scenarios[scenario].push(entry);
      for (const metric of entry.metrics) run.rows.push({ label: `${scenario} ${variant.label}`, metric });
      let line = summaryLine(scenario, variant, baseline, ours, reference);
      for (const [key, r] of Object.entries(results)) {
        if (!r.ok)
          line += `\n${' '.repeat(27)}${key} FAILED: ${r.error.split('\n')[0]}${r.serverLog?.length ? `\n${' '.repeat(29)}server: ${r.serverLog.join(`\n${' '.repeat(37)}`)}` : ''}`;
        else {
          if (r.failed) line += `\n${' '.repeat(27)}${key}: ${r.failed} session(s) failed to open (${(r.errors ?? []).join('; ')})`;
          if (r.unexpectedCloses) line += `\n${' '.repeat(27)}${key}: ${r.unexpectedCloses} session(s) closed by the server during the run`;
          if (r.complete === false) line += `\n${' '.repeat(27)}${key}: not every message arrived within 10 s of the end`;
          if (r.externalLoadPct > 25 && !(PAIRED.has(scenario) && key === 'ours')) {
            line += `\n${' '.repeat(27)}${key}: other processes used ${r.externalLoadPct.toFixed(0)} % of a core during this run: timing figures (rates, latency) are unreliable`;
          }
          if (scenario === 'original' && r.mode === 'broker')
            line += `\n${' '.repeat(27)}${key}: chat sent straight to /topic/rooms/<room> (no @MessageMapping handlers)`;
        }
      }
      run.summaries.push(line);
      console.log(line);
      writeFileSync(
        join(resultsDir, `${scenario}.json`),
        JSON.stringify({ date, machine, command, variants: run.scenarios[scenario] }, null, 2),
      );
    }
  }

  if (run.scenarios.original?.length > 1) {
    run.limits = scaleLimits(run.scenarios.original);
    console.log(`\n${run.limits.join('\n')}`);
  }
  const table = textTable(run.rows);
  console.log(`\n${table}\n`);
  run.table = table;
  run.seconds = (Date.now() - started) / 1000;
  writeFileSync(join(resultsDir, 'latest.json'), JSON.stringify(run, null, 2));
  writeFileSync(join(resultsDir, 'report.html'), htmlReport(run));
  // Every run also kept under its date, so a later run does not hide it.
  const stamp = `${date.replace(/:/g, '-')}-${FULL ? 'full' : 'quick'}`;
  mkdirSync(join(resultsDir, 'runs'), { recursive: true });
  writeFileSync(join(resultsDir, 'runs', `${stamp}.json`), JSON.stringify(run, null, 2));
  writeFileSync(join(resultsDir, 'runs', `${stamp}.html`), htmlReport(run));
  const profiles = PROFILE ? readdirSync(join(resultsDir, 'profiles')).filter((f) => f.endsWith('.cpuprofile')) : [];
  console.log(
    `Wrote ${relative(root, join(resultsDir, 'report.html'))}, ${relative(root, join(resultsDir, 'latest.json'))}, one JSON per scenario and a dated copy in ${relative(root, join(resultsDir, 'runs'))}/ in ${run.seconds.toFixed(0)} s.`,
  );
  if (profiles.length) {
    console.log(
      `CPU profiles of nestjs-stomp (node --cpu-prof) in ${relative(root, join(resultsDir, 'profiles'))}: summarise with node bench/profile-summary.mjs <file>`,
    );
    for (const f of profiles) console.log(`  ${f} (${(statSync(join(resultsDir, 'profiles', f)).size / 1024).toFixed(0)} KiB)`);
  }
}

// --cluster: 1 vs 3 nestjs-stomp processes on RabbitMQ behind nginx (bench/cluster.mjs), nothing else.
(flag('cluster') ? import('./cluster.mjs').then((cluster) => cluster.main(args)) : main())
  .catch((error) => {
    console.error(error?.stack ?? error);
    process.exitCode = 1;
  })
  .finally(killAll);
