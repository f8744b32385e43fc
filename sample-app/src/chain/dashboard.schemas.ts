import type { JsonSchema } from '../../../lib/index.js';

// JSON Schemas of the pushed dashboard payloads, for the AsyncAPI document: chain.model.ts holds
// interfaces, which leave nothing to reflect on at run time.

const numbers = (...names: string[]): Record<string, JsonSchema> => Object.fromEntries(names.map((n) => [n, { type: 'number' }]));
const strings = (...names: string[]): Record<string, JsonSchema> => Object.fromEntries(names.map((n) => [n, { type: 'string' }]));
const object = (title: string, properties: Record<string, JsonSchema>): JsonSchema => ({
  title,
  type: 'object',
  properties,
  required: Object.keys(properties),
});

export const BLOCK_SCHEMA = object('Block', {
  ...strings('hash', 'previousHash', 'miner'),
  ...numbers('height', 'time', 'transactionCount', 'volume', 'fees', 'reward', 'size'),
  transactionHashes: { type: 'array', items: { type: 'string' } },
});

export const TRANSACTION_SCHEMA = object('Transaction', { ...strings('hash', 'from', 'to'), ...numbers('amount', 'fee', 'time') });

export const SUPPLY_SCHEMA = object(
  'SupplyStats',
  numbers('time', 'blockHeight', 'circulatingSupply', 'maxSupply', 'totalTransactions', 'tps', 'averageBlockTimeMs', 'pendingTransactions'),
);
