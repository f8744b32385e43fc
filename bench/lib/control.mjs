// The part of a bench server that the runner drives over IPC (child_process.fork). Both servers
// (baseline and nestjs-stomp) use it, so they are driven the same way; they differ only in
// `publish`, which is SimpMessagingTemplate.convertAndSend for ours.
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { writeHeapSnapshot } from 'node:v8';
import { filler, now, processStats, sleep } from './util.mjs';

/**
 * @param {{ publish: (destination: string, payload: object) => number | Promise<number>, info: object }} server
 */
export function serveControl(server) {
  const template = { running: false, pumping: false, published: 0, acked: 0, window: 32, destination: '', pad: '' };
  const dashboard = { timers: [], log: [], deliveries: 0 };

  // The scheduled-push path: publish while fewer than `window` messages are unconfirmed by the load generator.
  async function pump() {
    if (template.pumping) return;
    template.pumping = true;
    try {
      while (template.running && template.published - template.acked < template.window) {
        const seq = template.published++;
        await server.publish(template.destination, { t: now(), seq, pad: template.pad });
      }
    } finally {
      template.pumping = false;
    }
  }

  function startDashboard({ topics, periodMs, bodySize }) {
    const data = filler(bodySize);
    topics.forEach((topic, index) => {
      let seq = 0;
      const push = async () => {
        const t = now();
        const s = seq++;
        dashboard.log.push([index, s, t]);
        dashboard.deliveries += await server.publish(`/topic/${topic}`, { k: 'd', topic: index, seq: s, t, data });
      };
      // Spread the topics over the period, as independent scheduled jobs would be.
      const offset = Math.round((periodMs / topics.length) * index);
      dashboard.timers.push(
        setTimeout(() => {
          void push();
          dashboard.timers.push(setInterval(push, periodMs));
        }, offset),
      );
    });
  }

  // Event-loop delay: tells a stalled server apart from a slow load generator or a busy machine.
  const loopDelay = monitorEventLoopDelay({ resolution: 10 });
  loopDelay.enable();
  const delayStats = () => ({
    loopDelayP50: loopDelay.percentile(50) / 1e6,
    loopDelayP99: loopDelay.percentile(99) / 1e6,
    loopDelayMax: loopDelay.max / 1e6,
  });

  const handlers = {
    stats: async ({ resetLoopDelay }) => {
      const stats = { ...processStats(), ...delayStats() };
      if (resetLoopDelay) loopDelay.reset();
      return stats;
    },
    gc: async () => {
      for (let i = 0; i < 3 && global.gc; i++) {
        global.gc();
        await sleep(50);
      }
      return { ...processStats(), gc: typeof global.gc === 'function' };
    },
    // For memory work: a heap snapshot of the server as it is now (after a 'gc').
    'heap-snapshot': async ({ file }) => ({ file: writeHeapSnapshot(file) }),
    publish: async ({ destination, payload }) => ({ deliveries: await server.publish(destination, payload) }),
    'template-start': async ({ destination, window, bodySize }) => {
      Object.assign(template, { running: true, published: 0, acked: 0, window, destination, pad: filler(bodySize) });
      void pump();
      return { started: true };
    },
    'template-progress': async ({ acked }) => {
      if (acked > template.acked) template.acked = acked;
      void pump();
    },
    'template-stop': async () => {
      template.running = false;
      while (template.pumping) await sleep(1);
      return { published: template.published };
    },
    'dashboard-start': async (args) => {
      startDashboard(args);
      return { started: true };
    },
    'dashboard-stop': async () => {
      for (const timer of dashboard.timers) clearTimeout(timer);
      await sleep(5);
      return { log: dashboard.log, deliveries: dashboard.deliveries };
    },
    exit: async () => {
      setTimeout(() => process.exit(0), 20);
      return { exiting: true };
    },
  };

  process.on('message', async (msg) => {
    const handler = handlers[msg?.cmd];
    if (!handler) return;
    try {
      const reply = await handler(msg);
      if (msg.id !== undefined) process.send({ type: 'reply', id: msg.id, reply });
    } catch (error) {
      if (msg.id !== undefined) process.send({ type: 'reply', id: msg.id, error: String(error?.stack ?? error) });
    }
  });
  // The runner went away: never outlive it.
  process.on('disconnect', () => process.exit(0));
  process.send({ type: 'ready', ...server.info, pid: process.pid });
}
