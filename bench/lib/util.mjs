// Small helpers shared by the bench processes (runner, servers, load generator).
import { readFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';

const ORIGIN = performance.timeOrigin;

/** Wall-clock milliseconds with sub-millisecond precision, comparable across processes on this machine. */
export function now() {
  return ORIGIN + performance.now();
}

export function sleep(ms) {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** Rejects after `ms` with a message that says what was being waited for. */
export function withTimeout(promise, ms, what) {
  let timer;
  const timeout = new Promise((_, reject) => {
    timer = setTimeout(() => reject(new Error(`timeout after ${ms} ms: ${what}`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

/** Polls `predicate` every `stepMs` until it holds or `ms` elapse; resolves to whether it held. */
export async function waitFor(predicate, ms, stepMs = 10) {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    if (predicate()) return true;
    await sleep(stepMs);
  }
  return predicate();
}

/** Runs `task(i)` for i in [0, count) with at most `concurrency` in flight; resolves to the settled results. */
export async function pool(count, concurrency, task) {
  const results = new Array(count);
  let next = 0;
  async function worker() {
    while (next < count) {
      const i = next++;
      try {
        results[i] = { ok: true, value: await task(i) };
      } catch (error) {
        results[i] = { ok: false, error };
      }
    }
  }
  await Promise.all(Array.from({ length: Math.min(concurrency, count) }, worker));
  return results;
}

/** The soft and hard open-file limits of this process (from /proc, Linux). */
export function fileLimit() {
  try {
    const line = readFileSync('/proc/self/limits', 'utf8')
      .split('\n')
      .find((l) => l.startsWith('Max open files'));
    const [soft, hard] = line.replace('Max open files', '').trim().split(/\s+/);
    const n = (v) => (v === 'unlimited' ? Infinity : Number(v));
    return { soft: n(soft), hard: n(hard) };
  } catch {
    return { soft: NaN, hard: NaN };
  }
}

/** Write and read system calls made by this process so far (Linux /proc/self/io; NaN elsewhere). */
function syscalls() {
  try {
    const io = readFileSync('/proc/self/io', 'utf8');
    return { syscw: Number(/syscw: (\d+)/.exec(io)[1]), syscr: Number(/syscr: (\d+)/.exec(io)[1]) };
  } catch {
    return { syscw: NaN, syscr: NaN };
  }
}

/** CPU time (user + system, µs), memory and system calls of this process. */
export function processStats() {
  const cpu = process.cpuUsage();
  const mem = process.memoryUsage();
  return { t: now(), cpuUs: cpu.user + cpu.system, rss: mem.rss, heapUsed: mem.heapUsed, external: mem.external, ...syscalls() };
}

/**
 * Latency histogram in milliseconds: 10 µs buckets up to 1 s, 1 ms buckets up to 60 s, then one
 * overflow bucket. Constant memory whatever the number of samples.
 */
export class Histogram {
  static FINE = 100_000; // 10 µs × 100 000 = 1 s
  static COARSE = 59_000; // 1 ms × 59 000 = 59 s more

  constructor() {
    this.counts = new Uint32Array(Histogram.FINE + Histogram.COARSE + 1);
    this.n = 0;
    this.max = 0;
    this.sum = 0;
  }

  record(ms) {
    if (!(ms >= 0)) ms = 0; // clock skew across processes can give -0.0x
    let i;
    if (ms < 1000) i = Math.floor(ms * 100);
    else if (ms < 60_000) i = Histogram.FINE + Math.floor(ms - 1000);
    else i = Histogram.FINE + Histogram.COARSE;
    this.counts[i]++;
    this.n++;
    this.sum += ms;
    if (ms > this.max) this.max = ms;
  }

  merge(other) {
    for (let i = 0; i < this.counts.length; i++) this.counts[i] += other.counts[i];
    this.n += other.n;
    this.sum += other.sum;
    if (other.max > this.max) this.max = other.max;
  }

  /** Upper edge of the bucket holding quantile q (0..1), in ms; NaN without samples. */
  quantile(q) {
    if (this.n === 0) return NaN;
    const rank = Math.max(1, Math.ceil(q * this.n));
    let seen = 0;
    for (let i = 0; i < this.counts.length; i++) {
      seen += this.counts[i];
      if (seen >= rank) {
        if (i < Histogram.FINE) return (i + 1) / 100;
        if (i < Histogram.FINE + Histogram.COARSE) return 1000 + (i - Histogram.FINE) + 1;
        return this.max;
      }
    }
    return this.max;
  }

  summary() {
    return {
      samples: this.n,
      p50: this.quantile(0.5),
      p99: this.quantile(0.99),
      max: this.n ? this.max : NaN,
      mean: this.n ? this.sum / this.n : NaN,
    };
  }
}

/** A printable body filler of exactly `n` characters. */
export function filler(n) {
  return 'x'.repeat(Math.max(0, n));
}

/** CPU jiffies (1/100 s, user + system) a process has used so far (Linux /proc/<pid>/stat); 0 once it is gone. */
export function pidJiffies(pid) {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const after = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return Number(after[11]) + Number(after[12]);
  } catch {
    return 0;
  }
}

/** CPU jiffies the whole machine has been busy (not idle, not iowait) since boot (Linux /proc/stat). */
export function machineBusyJiffies() {
  const [, ...fields] = readFileSync('/proc/stat', 'utf8').split('\n')[0].trim().split(/\s+/).map(Number);
  return fields.reduce((a, b) => a + b, 0) - fields[3] - (fields[4] ?? 0);
}
