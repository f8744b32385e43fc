import { describe, expect, it } from '@jest/globals';
import { ChainSimulator } from '../../../sample-app/src/chain/chain.simulator.js';

const pace = { blockIntervalMs: 5000, transactionIntervalMs: 250, supplyIntervalMs: 1000 };

describe('ChainSimulator', () => {
  it('starts with a history, so a first page is never empty', () => {
    const snapshot = new ChainSimulator(pace, undefined, 1_000_000).snapshot();
    expect(snapshot.blocks).toHaveLength(12);
    expect(snapshot.tpsHistory).toHaveLength(60);
    expect(snapshot.blocks[0].time).toBe(1_000_000);
    expect(snapshot.supply.blockHeight).toBe(snapshot.blocks[0].height);
    snapshot.blocks.slice(0, -1).forEach((block, i) => {
      expect(block.height).toBe(snapshot.blocks[i + 1].height + 1);
      expect(block.previousHash).toBe(snapshot.blocks[i + 1].hash);
    });
  });

  it('mines the pending transactions into the next block, grows the supply by the reward, counts TPS', () => {
    const chain = new ChainSimulator(pace, undefined, 0);
    const before = chain.supply(1000);
    const arrived = [...chain.nextTransactions(1100), ...chain.nextTransactions(1200), ...chain.nextTransactions(1300)];
    const stats = chain.supply(2000);
    expect(stats.tps).toBeCloseTo(arrived.length, 1);
    expect(stats.pendingTransactions).toBe(arrived.length);
    expect(stats.totalTransactions).toBe(before.totalTransactions + arrived.length);

    const block = chain.mineBlock(2100);
    expect(block.height).toBe(before.blockHeight + 1);
    expect(block.transactionHashes).toEqual(arrived.map((t) => t.hash));
    expect(block.transactionCount).toBe(arrived.length);
    const after = chain.supply(3000);
    expect(after.circulatingSupply).toBe(before.circulatingSupply + block.reward);
    expect(after.pendingTransactions).toBe(0);
    expect(chain.snapshot().blocks[0]).toBe(block);
    expect(chain.snapshot().blocks).toHaveLength(13);
  });

  it('keeps at most 20 blocks, 20 transactions and 60 TPS points', () => {
    const chain = new ChainSimulator({ ...pace, transactionIntervalMs: 10_000 }, undefined, 0);
    for (let t = 1; t <= 30; t++) {
      chain.nextTransactions(t * 1000);
      chain.mineBlock(t * 1000);
      chain.supply(t * 1000);
    }
    for (let t = 31; t <= 100; t++) chain.supply(t * 1000);
    const snapshot = chain.snapshot();
    expect(snapshot.blocks).toHaveLength(20);
    expect(snapshot.transactions).toHaveLength(20);
    expect(snapshot.tpsHistory).toHaveLength(60);
  });

  it('follows a leader and continues its chain when it takes over (a cluster node on standby)', () => {
    const leader = new ChainSimulator(pace, undefined, 0);
    const standby = new ChainSimulator(pace, undefined, 0);
    for (let i = 1; i <= 3; i++) {
      for (const transaction of leader.nextTransactions(i * 1000)) standby.followTransaction(transaction);
      expect(standby.followBlock(leader.mineBlock(i * 1000 + 100))).toBe(true);
      standby.followSupply(leader.supply(i * 1000 + 200));
    }
    const last = leader.snapshot().blocks[0];
    // Its own block echoed back, or one it already has: ignored.
    expect(standby.followBlock(last)).toBe(false);
    expect(standby.snapshot().supply).toEqual(leader.snapshot().supply);
    // Only the leader's blocks: the history the standby made up at startup is gone.
    expect(standby.snapshot().blocks).toEqual(leader.snapshot().blocks.slice(0, 3));

    for (const transaction of leader.nextTransactions(4000)) standby.followTransaction(transaction);
    const next = standby.mineBlock(4100);
    expect(next.height).toBe(last.height + 1);
    expect(next.previousHash).toBe(last.hash);
    expect(next.transactionHashes).toEqual(
      leader
        .snapshot()
        .transactions.filter((t) => t.time === 4000)
        .map((t) => t.hash)
        .reverse(),
    );
    expect(standby.supply(4200).circulatingSupply).toBe(leader.snapshot().supply.circulatingSupply + next.reward);
  });
});
