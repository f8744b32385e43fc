import { randomBytes } from 'node:crypto';

const VALIDATORS = ['dap-validator-01', 'dap-validator-02', 'dap-validator-03', 'dap-validator-04', 'dap-validator-05'];

/** The random parts of the simulated chain: hashes, addresses, amounts, arrival counts. */
export class ChainRandom {
  private readonly addresses = Array.from({ length: 400 }, () => `0x${randomBytes(20).toString('hex')}`);

  hash(): string {
    return `0x${randomBytes(32).toString('hex')}`;
  }

  address(): string {
    return this.addresses[Math.floor(Math.random() * this.addresses.length)];
  }

  validator(height: number): string {
    return VALIDATORS[height % VALIDATORS.length];
  }

  /** Mostly small transfers, now and then a large one (log-normal), rounded to 4 decimals. */
  amount(): number {
    const normal = Math.sqrt(-2 * Math.log(1 - Math.random())) * Math.cos(2 * Math.PI * Math.random());
    return Math.round(Math.exp(3 + 1.6 * normal) * 10_000) / 10_000;
  }

  fee(): number {
    return Math.round((0.001 + Math.random() * 0.02) * 10_000) / 10_000;
  }

  /** How many events a Poisson process with mean `mean` produces in one draw (Knuth's method). */
  poisson(mean: number): number {
    const limit = Math.exp(-mean);
    let count = 0;
    for (let product = Math.random(); product > limit; product *= Math.random()) count++;
    return count;
  }
}
