/** One transfer between two addresses, pushed to `/topic/tranInfo` as soon as it is seen. */
export interface Transaction {
  hash: string;
  from: string;
  to: string;
  /** Coins transferred. */
  amount: number;
  fee: number;
  /** Epoch ms when the chain saw it. */
  time: number;
}

/** A mined block, pushed to `/topic/blockInfo`. */
export interface Block {
  height: number;
  hash: string;
  previousHash: string;
  /** Epoch ms. */
  time: number;
  miner: string;
  transactionCount: number;
  transactionHashes: string[];
  /** Sum of the amounts of its transactions. */
  volume: number;
  fees: number;
  reward: number;
  /** Bytes. */
  size: number;
}

/** Circulating supply and statistics, pushed to `/topic/supply` every second. */
export interface SupplyStats {
  time: number;
  blockHeight: number;
  circulatingSupply: number;
  maxSupply: number;
  totalTransactions: number;
  /** Transactions per second over the last period. */
  tps: number;
  /** Mean time between the recent blocks, ms. */
  averageBlockTimeMs: number;
  pendingTransactions: number;
}

/** One point of the transactions-per-second chart. */
export interface TpsPoint {
  time: number;
  tps: number;
}

/** Everything a page needs to draw the dashboard at once. */
export interface DashboardSnapshot {
  /** Latest blocks, newest first. */
  blocks: Block[];
  /** Latest transactions, newest first. */
  transactions: Transaction[];
  supply: SupplyStats;
  /** The last minute of TPS, oldest first. */
  tpsHistory: TpsPoint[];
}

/** The three topics of the original page, by their destination's last segment. */
export type DashboardTopic = 'blockInfo' | 'tranInfo' | 'supply';
