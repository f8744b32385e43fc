// Micro-benchmark of the in-memory broker's point-to-point queues (QueueStore): µs per message through a
// queue with 10 consumers (auto ack; client-individual with an ACK per message; NACK then ACK elsewhere),
// and the heap a queue full to its default limits holds. Consumers render every MESSAGE as a session does.
// Uses the compiled library: `npm run build && node --expose-gc bench/queue.bench.mjs`
// (`--dist=<dir>` points at another build's compiled library, its dist/ folder, to compare).
import { pathToFileURL } from 'node:url';
import { resolve } from 'node:path';

const distArg = process.argv.find((a) => a.startsWith('--dist='));
const dist = distArg ? pathToFileURL(resolve(distArg.slice(7))).href : new URL('../dist/', import.meta.url).href;
const { DestinationMatcher } = await import(`${dist}/engine/broker/destination.matcher.js`);
const { QueueStore } = await import(`${dist}/engine/broker/queue/queue.store.js`);

const LIMITS = { queueMessagesLimit: 10_000, queueBytesLimit: 8 * 1024 * 1024, queueTotalBytesLimit: 64 * 1024 * 1024 };
const BODY = Buffer.from(JSON.stringify({ order: 12345, item: 'widget', quantity: 3 }));
const CONSUMERS = 10;
const MESSAGES = 200_000;

function consumers(count) {
  return Array.from({ length: count }, (_, i) => {
    let next = 0;
    const last = [];
    return {
      id: `s${i}`,
      last,
      deliver(message, subscriptionId, ackMode) {
        const id = String(++next);
        message.template.render(subscriptionId, id, '1.2', ackMode === 'auto' ? undefined : id);
        last.push(id);
        return id;
      },
    };
  });
}

function run(name, ackMode, settle) {
  const store = new QueueStore(['/queue/**'], new DestinationMatcher(), LIMITS);
  const subs = consumers(CONSUMERS);
  for (const s of subs) store.subscribe(s, 'sub', '/queue/orders', ackMode);
  const start = performance.now();
  for (let i = 0; i < MESSAGES; i++) {
    store.publish({ destination: '/queue/orders', headers: { 'content-type': 'application/json' }, body: BODY });
    settle?.(store, subs);
  }
  const us = ((performance.now() - start) * 1000) / MESSAGES;
  const [view] = store.views();
  console.log(
    `${name.padEnd(52)} ${us.toFixed(2)} µs/message  (delivered ${view.delivered}, redeliveries ${view.redeliveries}, left ${view.depth + view.unacked})`,
  );
}

/** ACK what each consumer got (one message per publish, round-robin). */
const ackAll = (store, subs) => {
  for (const s of subs) while (s.last.length) store.ack(s.id, s.last.shift(), true);
};
let flip = false;
/** Each message is NACKed once (redelivered to the next consumer at once), which ACKs it. */
const nackOnce = (store, subs) => {
  for (const s of subs) {
    while (s.last.length) {
      const id = s.last.shift();
      flip = !flip;
      store.ack(s.id, id, !flip);
    }
  }
};

run('auto, 10 consumers', 'auto');
run('client-individual, ACK each, 10 consumers', 'client-individual', ackAll);
run('client-individual, NACK once then ACK, 10 consumers', 'client-individual', nackOnce);

globalThis.gc?.();
const before = process.memoryUsage().heapUsed;
const full = new QueueStore(['/queue/**'], new DestinationMatcher(), LIMITS);
let held = 0;
try {
  for (;;) {
    full.publish({ destination: '/queue/backlog', headers: { 'content-type': 'application/json' }, body: BODY });
    held++;
  }
} catch (error) {
  if (error.code !== 'QUEUE_FULL') throw error;
}
globalThis.gc?.();
const heap = (process.memoryUsage().heapUsed - before) / 1024 / 1024;
console.log(
  `one queue full (no consumer): ${held} messages, ${(full.totalBytes / 1024 / 1024).toFixed(1)} MiB counted, heap +${heap.toFixed(1)} MiB`,
);
