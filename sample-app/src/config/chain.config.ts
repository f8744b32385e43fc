import { registerAs } from '@nestjs/config';
import { envInt } from './env.reader.js';

/** Pace of the simulated chain; tests shorten it through the same variables. */
export const chainConfig = registerAs('chain', () => ({
  /** A new block every this many ms (the original mined one every few seconds). */
  blockIntervalMs: envInt('CHAIN_BLOCK_INTERVAL_MS', 5000, 1),
  /** New transactions are drawn this often, ms. */
  transactionIntervalMs: envInt('CHAIN_TRANSACTION_INTERVAL_MS', 250, 1),
  /** Supply and statistics pushed every this many ms. */
  supplyIntervalMs: envInt('CHAIN_SUPPLY_INTERVAL_MS', 1000, 1),
}));
