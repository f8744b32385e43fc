// Cost of the shared heart-beat wheel at 1 s periods with many sessions (heartbeatMinInterval's
// floor), against a bare setInterval loop that touches as many objects. Not a test: it prints figures.
//
//   npm run build && node bench/heartbeat-wheel.bench.mjs [--sessions=20000] [--seconds=10] [--period=1000]
//
// Output: CPU ms spent per second of wall time for each run, and the ratio wheel / baseline.
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const flag = (name, fallback) => Number(process.argv.find((a) => a.startsWith(`--${name}=`))?.split('=')[1] ?? fallback);
const SESSIONS = flag('sessions', 20_000);
const SECONDS = flag('seconds', 10);
const PERIOD = flag('period', 1_000);

const dist = join(root, 'dist', 'engine', 'session');
if (!existsSync(join(dist, 'heartbeat.wheel.js'))) {
  console.error('dist/ is missing: run `npm run build` first');
  process.exit(1);
}
const { HeartbeatWheel } = await import(join(dist, 'heartbeat.wheel.js'));
const { HeartbeatMonitor } = await import(join(dist, 'heartbeat.monitor.js'));

/** Runs `setup` for `SECONDS` of wall time and returns CPU ms per wall second (user + system). */
async function measure(setup) {
  const teardown = setup();
  globalThis.gc?.();
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  // A referenced timer keeps the process alive: the wheel's own timers are unref'd.
  await new Promise((resolve) => setTimeout(resolve, SECONDS * 1_000));
  const cpu = process.cpuUsage(cpu0);
  const wallS = (performance.now() - t0) / 1_000;
  teardown();
  return (cpu.user + cpu.system) / 1_000 / wallS;
}

/** What a session does on the wheel's calls; half the fake sessions read traffic, half go silent. */
function fakeSessions(wheel) {
  const counts = { beats: 0, silent: 0 };
  const monitors = [];
  for (let i = 0; i < SESSIONS; i++) {
    const actions = { sendHeartbeat: () => counts.beats++, peerSilent: () => counts.silent++ };
    const monitor = new HeartbeatMonitor(PERIOD, PERIOD, 2, actions, wheel);
    if (i % 2 === 0) monitor.markRead();
    monitors.push(monitor);
  }
  return { counts, monitors };
}

const baseline = await measure(() => {
  const objects = Array.from({ length: SESSIONS }, () => ({ wrote: false, read: false, missed: 0 }));
  const timer = setInterval(() => {
    for (const o of objects) {
      if (!o.wrote) o.missed++;
      o.wrote = false;
      o.read = false;
    }
  }, PERIOD);
  return () => clearInterval(timer);
});

let calls;
const wheelCpu = await measure(() => {
  const wheel = new HeartbeatWheel();
  const { counts, monitors } = fakeSessions(wheel);
  calls = counts;
  return () => {
    for (const m of monitors) m.stop();
    wheel.stop();
  };
});

const fmt = (n) => n.toFixed(2);
console.log(`heartbeat wheel: ${SESSIONS} sessions at ${PERIOD} ms for ${SECONDS} s`);
console.log(`  baseline (bare setInterval over ${SESSIONS} objects): ${fmt(baseline)} CPU ms / s`);
console.log(`  HeartbeatWheel + HeartbeatMonitor:                  ${fmt(wheelCpu)} CPU ms / s (ratio ${fmt(wheelCpu / baseline)})`);
console.log(`  (${calls.beats} heart-beats sent, ${calls.silent} silent-peer calls)`);
