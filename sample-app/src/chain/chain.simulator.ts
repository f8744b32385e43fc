import type { Block, DashboardSnapshot, SupplyStats, TpsPoint, Transaction } from './chain.model.js';
import { ChainRandom } from './chain.random.js';

const KEPT_BLOCKS = 20;
const KEPT_TRANSACTIONS = 20;
const TPS_POINTS = 60;
const BLOCK_REWARD = 12.5;
const MAX_SUPPLY = 100_000_000;
const FIRST_HEIGHT = 1_204_817;
const FIRST_SUPPLY = 61_804_227.5;
const HISTORY_BLOCKS = 12;

/** Pace of the simulation, ms. */
export interface ChainPace {
  blockIntervalMs: number;
  transactionIntervalMs: number;
  supplyIntervalMs: number;
}

/**
 * A pretend blockchain with a realistic rhythm: transactions arrive at a rate that drifts over a
 * two-minute cycle, a block collects what is pending, supply grows by the block reward. It starts
 * with a short history so that a page opened the first second already has something to show.
 */
export class ChainSimulator {
  private readonly blocks: Block[] = [];
  private readonly recentTransactions: Transaction[] = [];
  private readonly tpsHistory: TpsPoint[] = [];
  private pending: Transaction[] = [];
  private height = FIRST_HEIGHT;
  private circulatingSupply = FIRST_SUPPLY;
  private totalTransactions = 48_213_904;
  private countedSinceStats = 0;
  private lastStatsAt: number;
  private latestStats: SupplyStats;
  /** The blocks are still the short history made up at startup, not yet followed by a mined or followed block. */
  private madeUpHistory = false;

  constructor(
    private readonly pace: ChainPace,
    private readonly random = new ChainRandom(),
    now = Date.now(),
  ) {
    for (let i = HISTORY_BLOCKS; i >= 1; i--) {
      const at = now - (i - 1) * pace.blockIntervalMs;
      this.receive(this.random.poisson((this.targetTps(at) * pace.blockIntervalMs) / 1000), at);
      this.mineBlock(at);
    }
    for (let i = TPS_POINTS; i >= 1; i--) {
      const at = now - i * pace.supplyIntervalMs;
      this.tpsHistory.push({ time: at, tps: round1(this.random.poisson(this.targetTps(at))) });
    }
    this.lastStatsAt = now;
    this.countedSinceStats = 0;
    this.latestStats = this.statsAt(now, this.tpsHistory[this.tpsHistory.length - 1].tps);
    this.madeUpHistory = true;
  }

  /** Draws the transactions that arrived during one transaction interval. */
  nextTransactions(now = Date.now()): Transaction[] {
    const mean = (this.targetTps(now) * this.pace.transactionIntervalMs) / 1000;
    return this.receive(this.random.poisson(mean), now);
  }

  /** Mines every pending transaction into a new block. */
  mineBlock(now = Date.now()): Block {
    this.madeUpHistory = false;
    const included = this.pending;
    this.pending = [];
    const previous = this.blocks[0];
    const block: Block = {
      height: ++this.height,
      hash: this.random.hash(),
      previousHash: previous?.hash ?? this.random.hash(),
      time: now,
      miner: this.random.validator(this.height),
      transactionCount: included.length,
      transactionHashes: included.map((t) => t.hash),
      volume: round4(included.reduce((sum, t) => sum + t.amount, 0)),
      fees: round4(included.reduce((sum, t) => sum + t.fee, 0)),
      reward: BLOCK_REWARD,
      size: 96 + included.length * 248,
    };
    this.circulatingSupply += BLOCK_REWARD;
    keepNewest(this.blocks, block, KEPT_BLOCKS);
    return block;
  }

  /** Supply and statistics now; TPS counts the transactions since the previous call. */
  supply(now = Date.now()): SupplyStats {
    const seconds = Math.max(now - this.lastStatsAt, 1) / 1000;
    const tps = round1(this.countedSinceStats / seconds);
    this.countedSinceStats = 0;
    this.lastStatsAt = now;
    this.tpsHistory.push({ time: now, tps });
    if (this.tpsHistory.length > TPS_POINTS) this.tpsHistory.shift();
    this.latestStats = this.statsAt(now, tps);
    return this.latestStats;
  }

  /**
   * A block mined by the cluster's leader, taken as this node's own (standby nodes follow the chain, so the
   * one that leads next continues it). False for a block this node has already got: its own, echoed back.
   */
  followBlock(block: Block): boolean {
    if (block.height <= this.height) return false;
    const included = new Set(block.transactionHashes);
    this.pending = this.pending.filter((transaction) => !included.has(transaction.hash));
    this.height = block.height;
    this.circulatingSupply += block.reward;
    // The history this node made up at startup is not the leader's: drop it, so every node shows one chain.
    if (this.madeUpHistory) this.blocks.length = 0;
    this.madeUpHistory = false;
    keepNewest(this.blocks, block, KEPT_BLOCKS);
    return true;
  }

  /** A transaction the leader saw; it waits in `pending` for the leader's next block. */
  followTransaction(transaction: Transaction): void {
    keepNewest(this.recentTransactions, transaction, KEPT_TRANSACTIONS);
    this.pending.push(transaction);
    this.totalTransactions++;
  }

  /** The leader's statistics: the exact supply and counts, which also repair what a late joiner has not seen. */
  followSupply(stats: SupplyStats): void {
    this.latestStats = stats;
    this.circulatingSupply = stats.circulatingSupply;
    this.totalTransactions = stats.totalTransactions;
    this.lastStatsAt = stats.time;
    this.countedSinceStats = 0;
    this.tpsHistory.push({ time: stats.time, tps: stats.tps });
    if (this.tpsHistory.length > TPS_POINTS) this.tpsHistory.shift();
  }

  /** The latest state, for a page that just subscribed. */
  snapshot(): DashboardSnapshot {
    return {
      blocks: [...this.blocks],
      transactions: [...this.recentTransactions],
      supply: this.latestStats,
      tpsHistory: [...this.tpsHistory],
    };
  }

  private receive(count: number, now: number): Transaction[] {
    const arrived: Transaction[] = [];
    for (let i = 0; i < count; i++) {
      const transaction: Transaction = {
        hash: this.random.hash(),
        from: this.random.address(),
        to: this.random.address(),
        amount: this.random.amount(),
        fee: this.random.fee(),
        time: now,
      };
      arrived.push(transaction);
      keepNewest(this.recentTransactions, transaction, KEPT_TRANSACTIONS);
    }
    this.pending.push(...arrived);
    this.totalTransactions += count;
    this.countedSinceStats += count;
    return arrived;
  }

  private statsAt(now: number, tps: number): SupplyStats {
    const oldest = this.blocks[this.blocks.length - 1];
    const newest = this.blocks[0];
    return {
      time: now,
      blockHeight: this.height,
      circulatingSupply: this.circulatingSupply,
      maxSupply: MAX_SUPPLY,
      totalTransactions: this.totalTransactions,
      tps,
      averageBlockTimeMs:
        this.blocks.length > 1 ? Math.round((newest.time - oldest.time) / (this.blocks.length - 1)) : this.pace.blockIntervalMs,
      pendingTransactions: this.pending.length,
    };
  }

  /** The arrival rate drifts between 2 and 10 per second over two minutes, so the chart has a shape. */
  private targetTps(now: number): number {
    return 6 + 4 * Math.sin((2 * Math.PI * now) / 120_000);
  }
}

function keepNewest<T>(list: T[], item: T, max: number): void {
  list.unshift(item);
  if (list.length > max) list.length = max;
}

function round1(value: number): number {
  return Math.round(value * 10) / 10;
}

function round4(value: number): number {
  return Math.round(value * 10_000) / 10_000;
}
