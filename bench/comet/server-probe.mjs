// Preloaded into the sample app's process by bench/comet.mjs (`node --import`): answers the
// runner's IPC `stats` requests with this process's CPU time (process.cpuUsage, user + system),
// memory and event-loop delay. The app itself is the unmodified sample-app/dist/sample-app/src/main.js.
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { processStats } from '../lib/util.mjs';

if (process.send) {
  const loopDelay = monitorEventLoopDelay({ resolution: 10 });
  loopDelay.enable();
  process.on('message', (msg) => {
    if (msg?.cmd !== 'stats') return;
    const stats = { ...processStats(), loopDelayP99: loopDelay.percentile(99) / 1e6, loopDelayMax: loopDelay.max / 1e6 };
    if (msg.reset) loopDelay.reset();
    process.send({ type: 'stats', id: msg.id, stats });
  });
  // The runner went away: never outlive it.
  process.on('disconnect', () => process.exit(0));
}
