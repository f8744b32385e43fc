import { Injectable, Logger, type OnModuleDestroy, type OnModuleInit } from '@nestjs/common';
import type { Subscription } from 'rxjs';
import { SimpMessagingTemplate, StompPublishes } from '../../../lib/index.js';
import { TOPIC_PREFIX } from '../config/stomp.config.js';
import { DashboardFeed } from './dashboard.feed.js';
import { BLOCK_SCHEMA, SUPPLY_SCHEMA, TRANSACTION_SCHEMA } from './dashboard.schemas.js';

/** Pushes every dashboard update to its topic: `/topic/blockInfo`, `/topic/tranInfo`, `/topic/supply`. */
@StompPublishes('/topic/blockInfo', { payload: BLOCK_SCHEMA, description: 'Each mined block, as soon as it is mined' })
@StompPublishes('/topic/tranInfo', { payload: TRANSACTION_SCHEMA, description: 'Each transaction, as soon as the chain sees it' })
@StompPublishes('/topic/supply', { payload: SUPPLY_SCHEMA, description: 'Circulating supply and chain statistics, every second' })
@Injectable()
export class DashboardPublisher implements OnModuleInit, OnModuleDestroy {
  private readonly logger = new Logger(DashboardPublisher.name);
  private subscription: Subscription | undefined;

  constructor(
    private readonly feed: DashboardFeed,
    private readonly template: SimpMessagingTemplate,
  ) {}

  onModuleInit(): void {
    this.subscription = this.feed.produced$.subscribe(({ topic, payload }) => {
      this.template.convertAndSend(`${TOPIC_PREFIX}${topic}`, payload).catch((error: unknown) => {
        this.logger.error(`Could not push to ${TOPIC_PREFIX}${topic}: ${String(error)}`);
      });
    });
  }

  onModuleDestroy(): void {
    this.subscription?.unsubscribe();
  }
}
