import type * as PromClient from 'prom-client';
import type { StompBrokerRegistry } from '../../engine/session/stomp.registry.js';
import type { TransportName } from '../../interfaces/stomp-session.interface.js';
import { HANDLER_DURATION_BUCKETS, type HandlerTimings } from './handler.timings.js';
import { SEND_BACKLOG_BUCKETS, type HistogramCounts } from '../../engine/session/histogram.counts.js';
import type { StompHistoryTotals, StompQueueTotals } from '../../interfaces/stomp-queue.interface.js';

const HANDLER_DURATION = 'stomp_handler_duration_seconds';
const SEND_BACKLOG = 'stomp_send_buffer_bytes';

const TRANSPORTS: TransportName[] = [
  'websocket',
  'raw-websocket',
  'xhr-streaming',
  'xhr-polling',
  'eventsource',
  'htmlfile',
  'jsonp-polling',
];

type Client = Pick<typeof PromClient, 'Gauge' | 'Counter'>;

/** The servers reporting on one registry (with their handlers' timings), and the names registered there for them. */
interface Attached {
  sources: Map<StompBrokerRegistry, HandlerTimings>;
  names: string[];
}

/**
 * Several STOMP apps in one process (tests, an app with two modules) share prom-client's global
 * registry, where a name can be registered once: the series are registered once per registry and sum
 * over every server attached to it.
 */
const attached = new WeakMap<PromClient.Registry, Attached>();

/** Adds a server's figures to the stomp_* series of `registry`; the returned function takes them away again. */
export function attachStompMetrics(
  client: Client,
  registry: PromClient.Registry,
  source: StompBrokerRegistry,
  timings: HandlerTimings,
): () => void {
  let entry = attached.get(registry);
  if (!entry) {
    const sources = new Map<StompBrokerRegistry, HandlerTimings>();
    const names = registerStompMetrics(client, registry, sources.keys.bind(sources));
    const durations = function* (): Generator<[string, HistogramCounts]> {
      for (const timings of sources.values()) yield* timings.entries();
    };
    const backlogs = function* (): Generator<[string, HistogramCounts]> {
      for (const server of sources.keys()) if (server.sendBacklog) yield ['', server.sendBacklog];
    };
    const help = "STOMP handler invocations by mapping pattern: time from the frame to the handler's result";
    registry.registerMetric(countedHistogram(HANDLER_DURATION, help, HANDLER_DURATION_BUCKETS, 'pattern', durations) as never);
    const backlogHelp = 'Bytes waiting for a client (send queue and socket buffer) each time its writes of one tick went out';
    registry.registerMetric(countedHistogram(SEND_BACKLOG, backlogHelp, SEND_BACKLOG_BUCKETS, undefined, backlogs) as never);
    entry = { sources, names: [...names, HANDLER_DURATION, SEND_BACKLOG] };
    attached.set(registry, entry);
  }
  const { sources, names } = entry;
  sources.set(source, timings);
  return () => {
    sources.delete(source);
    if (sources.size > 0) return;
    for (const name of names) registry.removeSingleMetric(name);
    attached.delete(registry);
  };
}

/**
 * Registers the stomp_* series. Every value is read from the registries and their counters when
 * Prometheus scrapes (`collect`), so sessions and the broker do no extra work per frame.
 * Returns the names registered.
 */
function registerStompMetrics(client: Client, registry: PromClient.Registry, servers: () => Iterable<StompBrokerRegistry>): string[] {
  const registers = [registry];
  const sources = { [Symbol.iterator]: () => servers()[Symbol.iterator]() };
  const sum = (read: (source: StompBrokerRegistry) => number): number => {
    let total = 0;
    for (const source of sources) total += read(source);
    return total;
  };
  // A counter that mirrors a running total: reset then add the total, so the exposition is the total itself.
  const mirrored = (name: string, help: string, read: (source: StompBrokerRegistry) => number): PromClient.Counter =>
    new client.Counter({
      name,
      help,
      registers,
      collect() {
        this.reset();
        this.inc(sum(read));
      },
    });
  // A counter per label value, mirroring a running-totals table such as `{ SEND: 12, CONNECT: 3 }`.
  const labelled = (
    name: string,
    help: string,
    label: string,
    read: (source: StompBrokerRegistry) => Partial<Record<string, number>>,
  ): PromClient.Counter =>
    new client.Counter({
      name,
      help,
      labelNames: [label],
      registers,
      collect() {
        this.reset();
        for (const source of sources) {
          for (const [value, count] of Object.entries(read(source))) this.inc({ [label]: value }, count ?? 0);
        }
      },
    });
  // A gauge per configured pattern (queues, history rules): bounded labels, never the destinations themselves.
  const byPattern = <T extends { pattern: string }>(
    name: string,
    help: string,
    read: (source: StompBrokerRegistry) => T[],
    value: (totals: T) => number,
  ): PromClient.Gauge =>
    new client.Gauge({
      name,
      help,
      labelNames: ['pattern'],
      registers,
      collect() {
        this.reset();
        for (const source of sources) for (const totals of read(source)) this.inc({ pattern: totals.pattern }, value(totals));
      },
    });
  const queues = (source: StompBrokerRegistry): StompQueueTotals[] => source.queueTotals();
  const history = (source: StompBrokerRegistry): StompHistoryTotals[] => source.historyTotals();
  const metrics = [
    byPattern(
      'stomp_queues',
      'Point-to-point queues that exist (holding a message or a consumer), by queues pattern',
      queues,
      (t) => t.queues,
    ),
    byPattern('stomp_queue_depth', 'Queued messages waiting for a consumer, by queues pattern', queues, (t) => t.depth),
    byPattern('stomp_queue_unacked', 'Queued messages delivered and not yet acknowledged, by queues pattern', queues, (t) => t.unacked),
    byPattern('stomp_queue_bytes', 'Bytes queues hold (waiting and unacknowledged), by queues pattern', queues, (t) => t.bytes),
    byPattern('stomp_history_destinations', 'Destinations with kept messages, by history rule', history, (t) => t.destinations),
    byPattern('stomp_history_messages', 'Messages the history keeps, by history rule', history, (t) => t.messages),
    byPattern(
      'stomp_history_bytes',
      'Bytes the history keeps (as counted against historyBytesLimit), by history rule',
      history,
      (t) => t.bytes,
    ),
    new client.Gauge({
      name: 'stomp_sessions',
      help: 'Connected STOMP sessions',
      labelNames: ['transport'],
      registers,
      collect() {
        const counts = Array.from(sources, (source) => source.sessionsByTransport());
        for (const transport of TRANSPORTS)
          this.set(
            { transport },
            counts.reduce((total, byTransport) => total + (byTransport[transport] ?? 0), 0),
          );
      },
    }),
    new client.Gauge({
      name: 'stomp_subscriptions',
      help: 'Subscriptions held by connected sessions',
      registers,
      collect() {
        this.set(
          sum((source) => {
            let count = 0;
            for (const session of source.all()) count += session.subscriptions.size;
            return count;
          }),
        );
      },
    }),
    labelled('stomp_frames_received_total', 'STOMP frames received from clients, by command', 'command', (s) => s.counters.framesReceived),
    new client.Counter({
      name: 'stomp_frames_sent_total',
      help: 'STOMP frames sent to clients, by command (heart-beats not included)',
      labelNames: ['command'],
      registers,
      collect() {
        this.reset();
        for (const source of sources) {
          const { framesBuilt, messagesDelivered } = source.counters;
          this.inc({ command: 'MESSAGE' }, messagesDelivered);
          for (const [command, count] of Object.entries(framesBuilt)) this.inc({ command }, count ?? 0);
        }
      },
    }),
    mirrored('stomp_messages_delivered_total', 'MESSAGE frames delivered to subscribers', (s) => s.counters.messagesDelivered),
    mirrored('stomp_sessions_opened_total', 'STOMP sessions opened', (s) => s.counters.sessionsOpened),
    labelled('stomp_sessions_closed_total', 'STOMP sessions ended, by reason', 'reason', (s) => s.counters.sessionsClosed),
    labelled(
      'stomp_session_errors_total',
      'Sessions ended with an ERROR frame, by its stable code',
      'code',
      (s) => s.counters.sessionsClosedByCode,
    ),
  ];
  return metrics.map((metric) => (metric as unknown as { name: string }).name);
}

/**
 * A histogram as prom-client expects one to read, built at scrape time from plain counts (prom-client's own
 * Histogram can only be fed one observation at a time), summed over the counts `read` yields per label value.
 */
function countedHistogram(
  name: string,
  help: string,
  bounds: readonly number[],
  label: string | undefined,
  read: () => Iterable<[string, HistogramCounts]>,
) {
  return {
    name,
    help,
    type: 'histogram',
    aggregator: 'sum',
    reset: () => undefined,
    get: async () => {
      const merged = new Map<string, { counts: number[]; sum: number; count: number }>();
      for (const [key, buckets] of read()) {
        const into = merged.get(key) ?? { counts: buckets.counts.map(() => 0), sum: 0, count: 0 };
        buckets.counts.forEach((n, i) => (into.counts[i] += n));
        into.sum += buckets.sum;
        into.count += buckets.count;
        merged.set(key, into);
      }
      const values: { value: number; labels: Record<string, string | number>; metricName: string }[] = [];
      for (const [key, { counts, sum, count }] of merged) {
        const labels = label === undefined ? {} : { [label]: key };
        let cumulative = 0;
        counts.forEach((n, i) => {
          cumulative += n;
          const le = i < bounds.length ? bounds[i] : '+Inf';
          values.push({ value: cumulative, labels: { le, ...labels }, metricName: `${name}_bucket` });
        });
        values.push({ value: sum, labels, metricName: `${name}_sum` });
        values.push({ value: count, labels, metricName: `${name}_count` });
      }
      return { name, help, type: 'histogram', aggregator: 'sum', values };
    },
  };
}
