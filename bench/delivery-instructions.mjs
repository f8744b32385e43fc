// Instructions per delivered message, counted by valgrind (callgrind) in the server process only, so the
// figure does not depend on how busy the machine is (CPU time does). The server (ours or the baseline,
// the same files `run.mjs` forks) runs under valgrind; S raw WebSocket subscribers of one topic and one
// raw publisher (fan-out, window W per subscriber as in run.mjs) run here, outside it. Counting is
// switched on (callgrind_control) only around the measured messages, after a warm-up.
//   node bench/delivery-instructions.mjs [--server=bench/stomp.server.mjs|baseline|<path>] [--subscribers=100]
//        [--messages=2000] [--warmup=2000] [--window=16] [--body=100] [--template] [--no-valgrind]
//        [--names] [--keep] [--node-args=--flag,--flag]
// --names: node --perf-basic-prof, so /tmp/perf-<pid>.map names the JIT code callgrind lists as addresses;
// --keep: the callgrind.out file is kept (its path goes to stderr), for callgrind_annotate.
// Needs `npm run build` (both servers import dist/). Prints one JSON line.
import { execFileSync, fork } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, isAbsolute, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { RawStompClient, sendFrame } from './lib/raw-stomp.mjs';
import { filler, pool, sleep, waitFor } from './lib/util.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const args = Object.fromEntries(
  process.argv.slice(2).map((a) => {
    const [k, v] = a.replace(/^--/, '').split('=');
    return [k, v ?? 'true'];
  }),
);
const S = Number(args.subscribers ?? 100);
const M = Number(args.messages ?? 2000);
const WARMUP = Number(args.warmup ?? 2000);
const W = Number(args.window ?? 16);
const BODY = Number(args.body ?? 100);
const TEMPLATE = args.template === 'true';
const VALGRIND = args['no-valgrind'] !== 'true';
const serverArg = args.server ?? 'bench/stomp.server.mjs';
const serverFile = serverArg === 'baseline' ? join(here, 'baseline.server.mjs') : isAbsolute(serverArg) ? serverArg : resolve(serverArg);

const out = mkdtempSync(join(tmpdir(), 'delivery-instr-'));
const outFile = join(out, 'callgrind.out');
const nodeArgs = args['node-args'] ? args['node-args'].split(',') : [];
const child = fork(serverFile, [], {
  execArgv: nodeArgs,
  ...(VALGRIND && {
    execPath: 'valgrind',
    execArgv: [
      '--tool=callgrind',
      '--instr-atstart=no',
      `--callgrind-out-file=${outFile}`,
      process.execPath,
      ...(args.names === 'true' ? ['--perf-basic-prof'] : []),
      ...nodeArgs,
    ],
  }),
  cwd: dirname(serverFile),
  stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
});
process.on('exit', () => child.kill('SIGKILL'));

let callSeq = 0;
const replies = new Map();
const call = (cmd, payload = {}) =>
  new Promise((res, rej) => {
    const id = ++callSeq;
    replies.set(id, { res, rej });
    child.send({ cmd, id, ...payload });
  });
const ready = new Promise((res) => {
  child.on('message', (m) => {
    if (m?.type === 'ready') res(m);
    else if (m?.type === 'reply') {
      const r = replies.get(m.id);
      replies.delete(m.id);
      if (m.error) r?.rej(new Error(m.error));
      else r?.res(m.reply);
    }
  });
});
const info = await ready;

const destination = TEMPLATE ? '/topic/template' : '/topic/fanout';
let received = 0;
let wake = () => {};
const onMessage = () => {
  received++;
  wake();
};
const results = await pool(S, 16, async () => {
  const client = await new RawStompClient(info.urls.ws).connect(600_000);
  await client.subscribe(destination, 'sub-0', 600_000);
  client.onMessage = onMessage;
  return client;
});
const subscribers = results.filter((r) => r.ok).map((r) => r.value);
if (subscribers.length !== S) throw new Error(`only ${subscribers.length} of ${S} subscribers: ${results.find((r) => !r.ok)?.error}`);
const publisher = TEMPLATE ? null : await new RawStompClient(info.urls.ws).connect(600_000);
const pad = filler(BODY - 24);

/** Publishes `count` messages, at most W unconfirmed per subscriber, and waits until all arrived. */
async function publish(count) {
  const start = received / S;
  let sent = 0;
  if (TEMPLATE) {
    await call('template-start', { destination, window: W, bodySize: BODY });
    // As run.mjs's load generator: progress every quarter window, one IPC message, not one per delivery.
    let acked = 0;
    const step = Math.max(1, Math.floor(W / 4));
    wake = () => {
      const confirmed = Math.floor(received / S) - start;
      if (confirmed - acked < step) return;
      acked = confirmed;
      child.send({ cmd: 'template-progress', acked });
    };
    await waitFor(() => received >= (start + count) * S, 3_600_000, 20);
    const { published } = await call('template-stop');
    await waitFor(() => received >= (start + published) * S, 600_000, 20);
    wake = () => {};
    return published;
  }
  await new Promise((done) => {
    const pump = () => {
      while (sent < count && (sent + start) * S - received < W * S) {
        publisher.write(sendFrame(destination, `${Date.now().toFixed(3)}|${sent}|${pad}`));
        sent++;
      }
      if (received >= (start + count) * S) done();
    };
    wake = pump;
    pump();
  });
  wake = () => {};
  return count;
}

const control = (on) => VALGRIND && execFileSync('callgrind_control', ['-i', on ? 'on' : 'off', String(info.pid)], { stdio: 'ignore' });

await publish(WARMUP);
await sleep(200);
const cpu0 = await call('stats', {});
control(true);
const published = await publish(M);
control(false);
const cpu1 = await call('stats', {});
for (const c of subscribers) c.close();
publisher?.close();
await call('exit').catch(() => {});
await new Promise((res) => child.once('exit', res));

let instructions = NaN;
if (VALGRIND) {
  const text = readFileSync(outFile, 'utf8');
  instructions = Number(/^totals: (\d+)/m.exec(text)?.[1]);
}
if (args.keep !== 'true') rmSync(out, { recursive: true, force: true });
else console.error(outFile);
const deliveries = published * S;
const cpuUs = cpu1.cpuUs - cpu0.cpuUs;
console.log(
  JSON.stringify({
    server: info.impl,
    file: serverFile,
    scenario: TEMPLATE ? 'template' : 'fanout',
    subscribers: S,
    messages: published,
    deliveries,
    instructionsPerDelivery: Math.round(instructions / deliveries),
    cpuUsPerDelivery: Number((cpuUs / deliveries).toFixed(3)),
    writesPerDelivery: Number(((cpu1.syscw - cpu0.syscw) / deliveries).toFixed(3)),
  }),
);
process.exit(0);
