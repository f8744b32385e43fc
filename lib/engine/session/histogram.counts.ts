/**
 * A histogram as plain counts: recording costs a short scan of the bounds and two additions, and
 * Prometheus reads the counts at scrape time (prom-client's own Histogram is fed one observation at a time).
 */
export class HistogramCounts {
  /** Per upper bound, not cumulative; the last one is +Inf. */
  readonly counts: number[];
  sum = 0;
  count = 0;

  constructor(
    /** Upper bounds, ascending. */
    readonly bounds: readonly number[],
  ) {
    this.counts = new Array<number>(bounds.length + 1).fill(0);
  }

  observe(value: number): void {
    const bounds = this.bounds;
    let i = 0;
    while (i < bounds.length && value > bounds[i]) i++;
    this.counts[i]++;
    this.sum += value;
    this.count++;
  }
}

/**
 * Upper bounds (bytes) of the send-backlog buckets: nothing waiting, a few frames, the socket's own
 * high-water mark (64 KiB), the default send budget (512 KiB) and beyond it (budgets can be raised).
 */
export const SEND_BACKLOG_BUCKETS = [0, 1024, 4096, 16384, 65536, 262144, 524288, 1048576, 4194304, 16777216];
