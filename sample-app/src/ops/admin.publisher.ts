import { Inject, Injectable, Logger, type OnModuleDestroy, type OnModuleInit } from '@nestjs/common';
import type { Subscription } from 'rxjs';
import { SimpMessagingTemplate, StompBrokerRegistry, StompEvents, StompPublishes } from '../../../lib/index.js';
import { opsConfig, type OpsConfig } from './ops.config.js';
import type { AdminSnapshot, AdminStats, ClosedSession } from './admin.model.js';
import { AdminStatsReader } from './admin.stats.js';

export const ADMIN_TOPIC = '/topic/admin/stats';
const HISTORY = 60;
const RECENT_CLOSES = 10;

/** Reads the registry once a period and pushes what the operator page shows, over STOMP itself. */
@StompPublishes(ADMIN_TOPIC, { description: 'Sessions, rates, top destinations and close reasons, once a second (the operator page)' })
@Injectable()
export class AdminPublisher implements OnModuleInit, OnModuleDestroy {
  private readonly logger = new Logger(AdminPublisher.name);
  private readonly reader: AdminStatsReader;
  private readonly history: AdminStats[] = [];
  private readonly closes: ClosedSession[] = [];
  private timer: NodeJS.Timeout | undefined;
  private subscription: Subscription | undefined;

  constructor(
    registry: StompBrokerRegistry,
    private readonly events: StompEvents,
    private readonly template: SimpMessagingTemplate,
    @Inject(opsConfig.KEY) private readonly config: OpsConfig,
  ) {
    this.reader = new AdminStatsReader(registry);
  }

  snapshot(): AdminSnapshot {
    return { history: [...this.history] };
  }

  onModuleInit(): void {
    this.subscription = this.events.on('disconnect').subscribe(({ user, transport, reason }) => {
      this.closes.unshift({ time: Date.now(), user, transport, reason });
      this.closes.length = Math.min(this.closes.length, RECENT_CLOSES);
    });
    this.timer = setInterval(() => this.tick(), this.config.adminStatsIntervalMs);
  }

  onModuleDestroy(): void {
    clearInterval(this.timer);
    this.subscription?.unsubscribe();
  }

  private tick(): void {
    const stats = this.reader.read(Date.now(), [...this.closes]);
    this.history.push(stats);
    if (this.history.length > HISTORY) this.history.shift();
    this.template
      .convertAndSend(ADMIN_TOPIC, stats)
      .catch((error: unknown) => this.logger.error(`Could not push to ${ADMIN_TOPIC}: ${String(error)}`));
  }
}
