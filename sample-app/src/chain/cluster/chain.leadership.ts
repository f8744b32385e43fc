import { Inject, Injectable, Logger, type OnApplicationBootstrap, type OnModuleDestroy } from '@nestjs/common';
import type { ConfigType } from '@nestjs/config';
import { chainConfig } from '../../config/chain.config.js';
import { stompConfig, type StompConfig } from '../../config/stomp.config.js';
import { ChainSimulator } from '../chain.simulator.js';
import { DashboardFeed } from '../dashboard.feed.js';
import { ChainElection } from './chain.election.js';
import { ChainFollower, type FollowedUpdate } from './chain.follower.js';

/**
 * Whether this node produces the chain. One process (no relay): always. A cluster (the relay is on): the
 * node that holds the leader queue (ChainElection) produces it, the others follow what it publishes
 * (ChainFollower) and take over from the last block they saw when it goes.
 */
@Injectable()
export class ChainLeadership implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger(ChainLeadership.name);
  private election: ChainElection | undefined;
  private follower: ChainFollower | undefined;
  private joinWait: NodeJS.Timeout | undefined;

  constructor(
    @Inject(stompConfig.KEY) private readonly stomp: StompConfig,
    @Inject(chainConfig.KEY) private readonly pace: ConfigType<typeof chainConfig>,
    private readonly chain: ChainSimulator,
    private readonly feed: DashboardFeed,
  ) {}

  get leading(): boolean {
    return this.election ? this.election.leading : !this.stomp.relay;
  }

  onApplicationBootstrap(): void {
    const relay = this.stomp.relay;
    if (!relay) return;
    const { host, port, login, passcode, virtualHost } = relay;
    const address = { host, port, login, passcode, virtualHost };
    const election = new ChainElection(address, (leading) =>
      this.logger.log(
        leading ? `Leading the chain from block ${this.chain.snapshot().supply.blockHeight}` : 'Standby: following the chain',
      ),
    );
    this.election = election;
    this.follower = new ChainFollower(address, (update) => this.follow(update));
    let reported: string | undefined;
    election.onProblem = this.follower.onProblem = (problem) => {
      if (problem !== undefined && problem !== reported) this.logger.warn(`Chain election and following: ${problem}; retrying`);
      reported = problem;
    };
    this.follower.start();
    // A node that joins a running cluster hears the leader's statistics within one supply interval; it
    // stands for election only then (or, with nobody publishing, after a few intervals), so it never
    // takes over with a chain of its own.
    const joined = new Promise<void>((resolve) => (this.joinWait = setTimeout(resolve, 3 * this.pace.supplyIntervalMs + 1000)));
    void Promise.race([this.follower.heard, joined]).then(() => {
      clearTimeout(this.joinWait);
      if (this.election === election) election.start();
    });
  }

  onModuleDestroy(): void {
    clearTimeout(this.joinWait);
    this.election?.stop();
    this.follower?.stop();
    this.election = undefined;
  }

  /**
   * A leader ignores what it hears except a block higher than its own: one its predecessor published just
   * before dying and that arrived after the hand-over, so the new leader's next block still comes after it.
   */
  private follow(update: FollowedUpdate): void {
    if (update.topic === 'blockInfo') {
      if (this.chain.followBlock(update.payload)) this.feed.record('blockInfo', update.payload);
    } else if (this.leading) {
      return;
    } else if (update.topic === 'tranInfo') {
      this.chain.followTransaction(update.payload);
      this.feed.record('tranInfo', update.payload);
    } else {
      this.chain.followSupply(update.payload);
      this.feed.record('supply', update.payload);
    }
  }
}
