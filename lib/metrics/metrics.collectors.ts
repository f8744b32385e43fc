import type * as PromClient from 'prom-client';
import type { StompBrokerRegistry } from '../session/stomp.registry.js';
import type { TransportName } from '../transport/stomp.connection.js';

const TRANSPORTS: TransportName[] = ['websocket', 'raw-websocket', 'xhr-streaming', 'xhr-polling', 'eventsource', 'htmlfile', 'jsonp-polling'];

/**
 * Registers the stomp_* series. Every value is read from the registry and its counters when
 * Prometheus scrapes (`collect`), so sessions and the broker do no extra work per frame.
 * Returns the names registered, to remove them on shutdown.
 */
export function registerStompMetrics(client: Pick<typeof PromClient, 'Gauge' | 'Counter'>, registry: PromClient.Registry, source: StompBrokerRegistry): string[] {
  const registers = [registry];
  const counters = source.counters;
  // A counter that mirrors a running total: reset then add the total, so the exposition is the total itself.
  const mirrored = (name: string, help: string, read: () => number): PromClient.Counter =>
    new client.Counter({
      name, help, registers,
      collect() {
        this.reset();
        this.inc(read());
      },
    });
  const metrics = [
    new client.Gauge({
      name: 'stomp_sessions', help: 'Connected STOMP sessions', labelNames: ['transport'], registers,
      collect() {
        const byTransport = source.sessionsByTransport();
        for (const transport of TRANSPORTS) this.set({ transport }, byTransport[transport] ?? 0);
      },
    }),
    new client.Gauge({
      name: 'stomp_subscriptions', help: 'Subscriptions held by connected sessions', registers,
      collect() {
        let count = 0;
        for (const session of source.all()) count += session.subscriptions.size;
        this.set(count);
      },
    }),
    mirrored('stomp_frames_received_total', 'STOMP frames received from clients', () => counters.framesIn),
    mirrored('stomp_frames_sent_total', 'STOMP frames sent to clients', () => counters.framesOut),
    mirrored('stomp_messages_delivered_total', 'MESSAGE frames delivered to subscribers', () => counters.messagesDelivered),
    mirrored('stomp_sessions_opened_total', 'STOMP sessions opened', () => counters.sessionsOpened),
    new client.Counter({
      name: 'stomp_sessions_closed_total', help: 'STOMP sessions ended, by reason', labelNames: ['reason'], registers,
      collect() {
        this.reset();
        for (const [reason, count] of Object.entries(counters.sessionsClosed)) this.inc({ reason }, count ?? 0);
      },
    }),
  ];
  return metrics.map((metric) => (metric as unknown as { name: string }).name);
}
