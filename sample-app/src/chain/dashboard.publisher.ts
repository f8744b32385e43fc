import { Injectable, Logger, type OnModuleDestroy, type OnModuleInit } from '@nestjs/common';
import type { Subscription } from 'rxjs';
import { SimpMessagingTemplate } from '../../../lib/index.js';
import { TOPIC_PREFIX } from '../config/stomp.config.js';
import { DashboardFeed } from './dashboard.feed.js';

/** Pushes every dashboard update to its topic: `/topic/blockInfo`, `/topic/tranInfo`, `/topic/supply`. */
@Injectable()
export class DashboardPublisher implements OnModuleInit, OnModuleDestroy {
  private readonly logger = new Logger(DashboardPublisher.name);
  private subscription: Subscription | undefined;

  constructor(
    private readonly feed: DashboardFeed,
    private readonly template: SimpMessagingTemplate,
  ) {}

  onModuleInit(): void {
    this.subscription = this.feed.updates$.subscribe(({ topic, payload }) => {
      this.template.convertAndSend(`${TOPIC_PREFIX}${topic}`, payload).catch((error: unknown) => {
        this.logger.error(`Could not push to ${TOPIC_PREFIX}${topic}: ${String(error)}`);
      });
    });
  }

  onModuleDestroy(): void {
    this.subscription?.unsubscribe();
  }
}
