/** Upper bounds (seconds) of the handler-duration buckets: from a synchronous reply to a slow database call. */
export const HANDLER_DURATION_BUCKETS = [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

/** The buckets of one mapping: counts per upper bound (not cumulative), their sum and count. */
export interface DurationBuckets {
  readonly counts: number[];
  sum: number;
  count: number;
}

/**
 * Handler invocation times by mapping pattern (a bounded set: the app's own mappings, never raw
 * destinations), kept as plain counts so that recording costs an array increment and Prometheus
 * reads them at scrape time.
 */
export class HandlerTimings {
  private readonly byPattern = new Map<string, DurationBuckets>();

  record(pattern: string, seconds: number): void {
    let buckets = this.byPattern.get(pattern);
    if (!buckets)
      this.byPattern.set(pattern, (buckets = { counts: new Array<number>(HANDLER_DURATION_BUCKETS.length + 1).fill(0), sum: 0, count: 0 }));
    let i = 0;
    while (i < HANDLER_DURATION_BUCKETS.length && seconds > HANDLER_DURATION_BUCKETS[i]) i++;
    buckets.counts[i]++;
    buckets.sum += seconds;
    buckets.count++;
  }

  entries(): IterableIterator<[string, DurationBuckets]> {
    return this.byPattern.entries();
  }
}
