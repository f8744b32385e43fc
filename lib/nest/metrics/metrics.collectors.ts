import type * as PromClient from 'prom-client';
import type { StompBrokerRegistry } from '../../engine/session/stomp.registry.js';
import type { TransportName } from '../../interfaces/stomp-session.interface.js';
import { HANDLER_DURATION_BUCKETS, type HandlerTimings } from './handler.timings.js';

const HANDLER_DURATION = 'stomp_handler_duration_seconds';

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
    registry.registerMetric(handlerDurations(sources) as unknown as PromClient.Metric);
    entry = { sources, names: [...names, HANDLER_DURATION] };
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
  const metrics = [
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
 * `stomp_handler_duration_seconds{pattern}` as prom-client expects a histogram to read, built at scrape
 * time from the timings' plain counts (prom-client's own Histogram can only be fed one observation at a time).
 */
function handlerDurations(sources: ReadonlyMap<StompBrokerRegistry, HandlerTimings>) {
  const help = "STOMP handler invocations by mapping pattern: time from the frame to the handler's result";
  return {
    name: HANDLER_DURATION,
    help,
    type: 'histogram',
    aggregator: 'sum',
    reset: () => undefined,
    get: async () => {
      const merged = new Map<string, { counts: number[]; sum: number; count: number }>();
      for (const timings of sources.values()) {
        for (const [pattern, buckets] of timings.entries()) {
          const into = merged.get(pattern) ?? { counts: buckets.counts.map(() => 0), sum: 0, count: 0 };
          buckets.counts.forEach((n, i) => (into.counts[i] += n));
          into.sum += buckets.sum;
          into.count += buckets.count;
          merged.set(pattern, into);
        }
      }
      const values: { value: number; labels: Record<string, string | number>; metricName: string }[] = [];
      for (const [pattern, { counts, sum, count }] of merged) {
        let cumulative = 0;
        counts.forEach((n, i) => {
          cumulative += n;
          const le = i < HANDLER_DURATION_BUCKETS.length ? HANDLER_DURATION_BUCKETS[i] : '+Inf';
          values.push({ value: cumulative, labels: { le, pattern }, metricName: `${HANDLER_DURATION}_bucket` });
        });
        values.push({ value: sum, labels: { pattern }, metricName: `${HANDLER_DURATION}_sum` });
        values.push({ value: count, labels: { pattern }, metricName: `${HANDLER_DURATION}_count` });
      }
      return { name: HANDLER_DURATION, help, type: 'histogram', aggregator: 'sum', values };
    },
  };
}
