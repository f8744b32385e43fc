import type * as PromClient from 'prom-client';
import type { StompBrokerRegistry } from '../../engine/session/stomp.registry.js';
import type { TransportName } from '../../interfaces/stomp-session.interface.js';

const TRANSPORTS: TransportName[] = ['websocket', 'raw-websocket', 'xhr-streaming', 'xhr-polling', 'eventsource', 'htmlfile', 'jsonp-polling'];

type Client = Pick<typeof PromClient, 'Gauge' | 'Counter'>;

/** The servers reporting on one registry, and the names registered there for them. */
interface Attached {
  sources: Set<StompBrokerRegistry>;
  names: string[];
}

/**
 * Several STOMP apps in one process (tests, an app with two modules) share prom-client's global
 * registry, where a name can be registered once: the series are registered once per registry and sum
 * over every server attached to it.
 */
const attached = new WeakMap<PromClient.Registry, Attached>();

/** Adds a server's figures to the stomp_* series of `registry`; the returned function takes them away again. */
export function attachStompMetrics(client: Client, registry: PromClient.Registry, source: StompBrokerRegistry): () => void {
  let entry = attached.get(registry);
  if (!entry) {
    const sources = new Set<StompBrokerRegistry>();
    entry = { sources, names: registerStompMetrics(client, registry, sources) };
    attached.set(registry, entry);
  }
  const { sources, names } = entry;
  sources.add(source);
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
function registerStompMetrics(client: Client, registry: PromClient.Registry, sources: ReadonlySet<StompBrokerRegistry>): string[] {
  const registers = [registry];
  const sum = (read: (source: StompBrokerRegistry) => number): number => {
    let total = 0;
    for (const source of sources) total += read(source);
    return total;
  };
  // A counter that mirrors a running total: reset then add the total, so the exposition is the total itself.
  const mirrored = (name: string, help: string, read: (source: StompBrokerRegistry) => number): PromClient.Counter =>
    new client.Counter({
      name, help, registers,
      collect() {
        this.reset();
        this.inc(sum(read));
      },
    });
  const metrics = [
    new client.Gauge({
      name: 'stomp_sessions', help: 'Connected STOMP sessions', labelNames: ['transport'], registers,
      collect() {
        const counts = [...sources].map((source) => source.sessionsByTransport());
        for (const transport of TRANSPORTS) this.set({ transport }, counts.reduce((total, byTransport) => total + (byTransport[transport] ?? 0), 0));
      },
    }),
    new client.Gauge({
      name: 'stomp_subscriptions', help: 'Subscriptions held by connected sessions', registers,
      collect() {
        this.set(sum((source) => {
          let count = 0;
          for (const session of source.all()) count += session.subscriptions.size;
          return count;
        }));
      },
    }),
    mirrored('stomp_frames_received_total', 'STOMP frames received from clients', (s) => s.counters.framesIn),
    mirrored('stomp_frames_sent_total', 'STOMP frames sent to clients', (s) => s.counters.framesOut),
    mirrored('stomp_messages_delivered_total', 'MESSAGE frames delivered to subscribers', (s) => s.counters.messagesDelivered),
    mirrored('stomp_sessions_opened_total', 'STOMP sessions opened', (s) => s.counters.sessionsOpened),
    new client.Counter({
      name: 'stomp_sessions_closed_total', help: 'STOMP sessions ended, by reason', labelNames: ['reason'], registers,
      collect() {
        this.reset();
        for (const source of sources) {
          for (const [reason, count] of Object.entries(source.counters.sessionsClosed)) this.inc({ reason }, count ?? 0);
        }
      },
    }),
  ];
  return metrics.map((metric) => (metric as unknown as { name: string }).name);
}
