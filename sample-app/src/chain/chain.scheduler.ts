import { Inject, Injectable, type OnApplicationBootstrap } from '@nestjs/common';
import { SchedulerRegistry } from '@nestjs/schedule';
import type { ConfigType } from '@nestjs/config';
import { chainConfig } from '../config/chain.config.js';
import { ChainSimulator } from './chain.simulator.js';
import { ChainLeadership } from './cluster/chain.leadership.js';
import { DashboardFeed } from './dashboard.feed.js';

/**
 * The original's server-side scheduler: transactions, blocks and supply statistics on their own
 * intervals. The intervals come from configuration, so they are registered with @nestjs/schedule's
 * SchedulerRegistry (which clears them on shutdown) rather than with fixed `@Interval(ms)` decorators.
 * In a cluster every node ticks, and only the leader's ticks produce anything (ChainLeadership).
 */
@Injectable()
export class ChainScheduler implements OnApplicationBootstrap {
  constructor(
    @Inject(chainConfig.KEY) private readonly pace: ConfigType<typeof chainConfig>,
    private readonly chain: ChainSimulator,
    private readonly feed: DashboardFeed,
    private readonly scheduler: SchedulerRegistry,
    private readonly leadership: ChainLeadership,
  ) {}

  onApplicationBootstrap(): void {
    this.every('chain.transactions', this.pace.transactionIntervalMs, () => {
      for (const transaction of this.chain.nextTransactions()) this.feed.publish('tranInfo', transaction);
    });
    this.every('chain.blocks', this.pace.blockIntervalMs, () => this.feed.publish('blockInfo', this.chain.mineBlock()));
    this.every('chain.supply', this.pace.supplyIntervalMs, () => this.feed.publish('supply', this.chain.supply()));
  }

  private every(name: string, ms: number, tick: () => void): void {
    this.scheduler.addInterval(
      name,
      setInterval(() => {
        if (this.leadership.leading) tick();
      }, ms),
    );
  }
}
