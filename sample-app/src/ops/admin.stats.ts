import type { StompBrokerRegistry } from '../../../lib/index.js';
import type { AdminStats, ClosedSession } from './admin.model.js';

const TOP_DESTINATIONS = 8;
const TOP_QUEUES = 8;

interface Totals {
  time: number;
  delivered: number;
  framesIn: number;
  framesOut: number;
}

/** Turns the registry's running totals into rates: each call measures the period since the previous one. */
export class AdminStatsReader {
  private previous: Totals;

  constructor(private readonly registry: StompBrokerRegistry) {
    this.previous = this.totals(Date.now());
  }

  read(now: number, recentCloses: ClosedSession[]): AdminStats {
    const totals = this.totals(now);
    const seconds = Math.max((totals.time - this.previous.time) / 1000, 0.001);
    const rate = (key: 'delivered' | 'framesIn' | 'framesOut'): number => Math.round((totals[key] - this.previous[key]) / seconds);
    const stats: AdminStats = {
      time: now,
      sessionsByTransport: this.registry.sessionsByTransport(),
      sessions: this.registry.sessionCount,
      subscriptions: 0,
      deliveriesPerSecond: rate('delivered'),
      framesInPerSecond: rate('framesIn'),
      framesOutPerSecond: rate('framesOut'),
      delivered: totals.delivered,
      sessionsOpened: this.registry.counters.sessionsOpened,
      topDestinations: [],
      closeReasons: { ...this.registry.counters.sessionsClosed },
      recentCloses,
      inboundBacklogFrames: 0,
      inboundBacklogBytes: 0,
      droppedMessages: 0,
      topQueues: [],
      queued: 0,
      unacked: 0,
    };
    const subscribers = new Map<string, number>();
    for (const session of this.registry.sessionViews()) {
      stats.subscriptions += session.subscriptions.length;
      stats.inboundBacklogFrames += session.inboundFrames;
      stats.inboundBacklogBytes += session.inboundBytes;
      stats.droppedMessages += session.droppedMessages;
      for (const { destination } of session.subscriptions) subscribers.set(destination, (subscribers.get(destination) ?? 0) + 1);
    }
    stats.topDestinations = [...subscribers]
      .sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))
      .slice(0, TOP_DESTINATIONS)
      .map(([destination, count]) => ({ destination, subscribers: count }));
    const queues = this.registry.queues();
    for (const queue of queues) {
      stats.queued += queue.depth;
      stats.unacked += queue.unacked;
    }
    stats.topQueues = queues
      .sort((a, b) => b.depth + b.unacked - (a.depth + a.unacked) || a.destination.localeCompare(b.destination))
      .slice(0, TOP_QUEUES)
      .map(({ destination, depth, unacked, consumers }) => ({ destination, depth, unacked, consumers }));
    this.previous = totals;
    return stats;
  }

  private totals(time: number): Totals {
    const { messagesDelivered, framesIn, framesOut } = this.registry.counters;
    return { time, delivered: messagesDelivered, framesIn, framesOut };
  }
}
