import { Module } from '@nestjs/common';
import type { ConfigType } from '@nestjs/config';
import { chainConfig } from '../config/chain.config.js';
import { ChainScheduler } from './chain.scheduler.js';
import { ChainSimulator } from './chain.simulator.js';
import { ChainLeadership } from './cluster/chain.leadership.js';
import { DashboardController } from './dashboard.controller.js';
import { DashboardFeed } from './dashboard.feed.js';
import { DashboardPublisher } from './dashboard.publisher.js';

/** The simulated chain, its scheduler, and the dashboard it feeds over STOMP. */
@Module({
  controllers: [DashboardController],
  providers: [
    {
      provide: ChainSimulator,
      useFactory: (pace: ConfigType<typeof chainConfig>) => new ChainSimulator(pace),
      inject: [chainConfig.KEY],
    },
    DashboardFeed,
    ChainLeadership,
    ChainScheduler,
    DashboardPublisher,
  ],
  exports: [ChainSimulator, DashboardFeed],
})
export class ChainModule {}
