// `npm run bench -- --cluster`: fan-out through nginx to 1 and then 3 nestjs-stomp processes (bench/stomp.server.mjs with
// BENCH_RELAY=1) that share the machine's RabbitMQ (STOMP on 61613) through the relay. S raw WebSocket subscribers of
// one topic spread by nginx over the nodes, one raw publisher SENDs as fast as a window of 16 unconfirmed messages
// allows (as the fanout scenario). Reports delivered msg/s, latency p99, CPU µs per delivered message summed over the
// node processes, nginx's and RabbitMQ's (beam.smp) CPU, and what other processes used. No pinning: on 2 cores the
// nodes, nginx, RabbitMQ and this load generator all share both, so the figures say what the relay path costs, not
// how it scales. Options: --cluster-nodes=1,3 --subscribers=200 --seconds=10.
import { execFileSync, fork } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { clusterNginxConf, spawnNginx } from '../scripts/cluster.mjs';
import { children, killAll } from './lib/children.mjs';
import { RawStompClient, sendFrame } from './lib/raw-stomp.mjs';
import { Histogram, filler, machineBusyJiffies, now, pidJiffies, pool, sleep, waitFor, withTimeout } from './lib/util.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const WINDOW = 16;
const DESTINATION = '/topic/cluster-fanout';
const PAD = filler(80);

function freePort() {
  return new Promise((resolve, reject) => {
    const server = net.createServer().once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

/** The RabbitMQ VM's pid (the broker's own CPU), or undefined when it is not running here. */
function beamPid() {
  try {
    return Number(execFileSync('pgrep', ['-f', 'beam.smp'], { encoding: 'utf8' }).trim().split('\n')[0]) || undefined;
  } catch {
    return undefined;
  }
}

/** nginx's workers: SIGKILL on the master orphans them, so they are killed by pid on the way out, whatever the way. */
const nginxWorkers = new Set();
process.on('exit', () => {
  for (const pid of nginxWorkers) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {}
  }
});

function nginxPids(masterPid) {
  try {
    return [
      masterPid,
      ...execFileSync('pgrep', ['-P', String(masterPid)], { encoding: 'utf8' })
        .trim()
        .split('\n')
        .map(Number),
    ];
  } catch {
    return [masterPid];
  }
}

async function startNode(port) {
  const child = fork(join(here, 'stomp.server.mjs'), [], {
    env: { ...process.env, BENCH_RELAY: '1', BENCH_PORT: String(port) },
    stdio: ['ignore', 'ignore', 'inherit', 'ipc'],
  });
  children.add(child);
  await withTimeout(new Promise((resolve) => child.on('message', (m) => m?.type === 'ready' && resolve())), 20_000, `node on ${port}`);
  return child;
}

/** One variant: `nodes` processes behind one nginx, `subscribers` raw clients through nginx, `seconds` measured. */
async function variant(nodes, subscribers, seconds) {
  const ports = await Promise.all(Array.from({ length: nodes }, freePort));
  const nodeChildren = await Promise.all(ports.map(startNode));
  const nginxPort = await freePort();
  const nginx = spawnNginx(clusterNginxConf(ports, nginxPort), ['ignore', 'ignore', 'inherit']);
  children.add(nginx.child);
  const clients = [];
  try {
    const url = `ws://127.0.0.1:${nginxPort}/block/websocket`;
    await sleep(300); // nginx binds within a few ms and gives no readiness signal in the foreground
    let received = 0;
    let measuring = false;
    const latency = new Histogram();
    const opened = await pool(subscribers, 50, async (i) => {
      const client = new RawStompClient(url);
      clients.push(client);
      await client.connect();
      client.onMessage = (data, bodyStart) => {
        received++;
        if (measuring) latency.record(now() - Number(data.toString('latin1', bodyStart, data.indexOf(0x20, bodyStart))));
      };
      await client.subscribe(DESTINATION, `s${i}`);
    });
    const failed = opened.filter((r) => !r.ok);
    if (failed.length) throw new Error(`${failed.length} subscribers failed: ${failed[0].error.message}`);
    const publisher = new RawStompClient(url);
    clients.push(publisher);
    await publisher.connect();
    let sent = 0;
    let running = true;
    const pump = () => {
      while (running && sent * subscribers - received < WINDOW * subscribers && publisher.bufferedAmount < 1 << 20) {
        publisher.write(sendFrame(DESTINATION, `${now()} ${sent} ${PAD}`));
        sent++;
      }
    };
    const timer = setInterval(pump, 1);
    // Check: what was sent before the measurement all arrives (the relay delivers every message to every subscriber).
    await sleep(2000);
    running = false;
    const checked = await waitFor(() => received === sent * subscribers, 15_000);
    if (!checked) throw new Error(`check: ${received} of ${sent * subscribers} messages delivered after 15 s`);
    const nodePids = nodeChildren.map((c) => c.pid);
    const nginxAll = nginxPids(nginx.child.pid);
    const beam = beamPid();
    const sample = () => ({
      t: Date.now(),
      received,
      nodes: nodePids.reduce((a, pid) => a + pidJiffies(pid), 0),
      nginx: nginxAll.reduce((a, pid) => a + pidJiffies(pid), 0),
      beam: beam ? pidJiffies(beam) : NaN,
      self: pidJiffies(process.pid),
      machine: machineBusyJiffies(),
    });
    running = true;
    measuring = true;
    const a = sample();
    await sleep(seconds * 1000);
    const b = sample();
    measuring = false;
    running = false;
    clearInterval(timer);
    const delivered = b.received - a.received;
    const ms = b.t - a.t;
    const pct = (key) => (b[key] - a[key]) / (ms / 1000); // jiffies are 1/100 s: per second = % of a core
    const usPerMsg = (key) => ((b[key] - a[key]) * 10_000) / delivered;
    const own = ['nodes', 'nginx', 'beam', 'self'].reduce((sum, key) => sum + (b[key] - a[key] || 0), 0);
    const lat = latency.summary();
    return {
      nodes,
      subscribers,
      seconds: ms / 1000,
      msgPerS: delivered / (ms / 1000),
      p50Ms: lat.p50,
      p99Ms: lat.p99,
      nodesUsPerMsg: usPerMsg('nodes'),
      nginxUsPerMsg: usPerMsg('nginx'),
      beamUsPerMsg: usPerMsg('beam'),
      nodesPct: pct('nodes'),
      nginxPct: pct('nginx'),
      beamPct: pct('beam'),
      loadgenPct: pct('self'),
      otherPct: (b.machine - a.machine - own) / (ms / 1000),
      loadavg: os.loadavg()[0],
    };
  } finally {
    for (const client of clients) client.close();
    for (const pid of nginxPids(nginx.child.pid).slice(1)) nginxWorkers.add(pid);
    nginx.child.kill('SIGTERM'); // nginx's fast shutdown stops its workers too
    for (const child of nodeChildren) child.kill('SIGKILL');
    await waitFor(() => nginx.child.exitCode !== null || nginx.child.signalCode !== null, 3000);
    for (const child of [...nodeChildren, nginx.child]) {
      if (child.exitCode === null) child.kill('SIGKILL');
      children.delete(child);
    }
    for (const pid of nginxWorkers) {
      try {
        process.kill(pid, 'SIGKILL');
      } catch {}
    }
    nginxWorkers.clear();
    nginx.cleanup();
  }
}

const fmt = (v, d = 1) => (Number.isFinite(v) ? v.toFixed(d) : '-');

export async function main(args) {
  const option = (name, fallback) => args.find((a) => a.startsWith(`--${name}=`))?.split('=')[1] ?? fallback;
  const counts = String(option('cluster-nodes', '1,3')).split(',').map(Number);
  const subscribers = Number(option('subscribers', 200));
  const seconds = Number(option('seconds', 10));
  if (counts.some((n) => !(n >= 1 && n <= 8)) || !(subscribers >= 1 && subscribers <= 500) || !(seconds > 0 && seconds <= 120))
    throw new Error('usage: --cluster [--cluster-nodes=1,3 (1..8)] [--subscribers=200 (1..500)] [--seconds=10 (≤ 120)]');
  // ≤ 500: nginx holds two connections per client (client side and upstream) and scripts/cluster.mjs gives it 1024.
  if (!beamPid()) throw new Error('RabbitMQ (beam.smp) is not running: start it (STOMP plugin on 61613) first');
  console.log(
    `cluster fan-out: S=${subscribers} raw WebSocket subscribers through nginx, one publisher, window ${WINDOW}, ${seconds} s per row.` +
      `\n${os.cpus().length} cores shared, unpinned, by the nodes, nginx, RabbitMQ, this load generator and everything else on the` +
      ' machine: read CPU per message, not msg/s, and do not read the 3-node row as scaling.',
  );
  const rows = [];
  for (const nodes of counts) {
    const row = await variant(nodes, subscribers, seconds);
    rows.push(row);
    console.log(
      `nodes=${nodes}: ${fmt(row.msgPerS, 0)} msg/s, p50 ${fmt(row.p50Ms, 2)} ms, p99 ${fmt(row.p99Ms, 2)} ms; CPU µs/msg nodes ${fmt(
        row.nodesUsPerMsg,
        2,
      )}, nginx ${fmt(row.nginxUsPerMsg, 2)}, RabbitMQ ${fmt(row.beamUsPerMsg, 2)}; % of a core: nodes ${fmt(row.nodesPct, 0)}, nginx ${fmt(
        row.nginxPct,
        0,
      )}, RabbitMQ ${fmt(row.beamPct, 0)}, load gen ${fmt(row.loadgenPct, 0)}, other processes ${fmt(row.otherPct, 0)}; load average ${fmt(
        row.loadavg,
        2,
      )}`,
    );
  }
  mkdirSync(join(here, 'results'), { recursive: true });
  writeFileSync(join(here, 'results', 'cluster.json'), JSON.stringify({ date: new Date().toISOString(), rows }, null, 2));
  console.log('Wrote bench/results/cluster.json');
  killAll();
}
