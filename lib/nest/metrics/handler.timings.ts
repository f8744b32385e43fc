import { HistogramCounts } from '../../engine/session/histogram.counts.js';

/** Upper bounds (seconds) of the handler-duration buckets: from a synchronous reply to a slow database call. */
export const HANDLER_DURATION_BUCKETS = [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

/**
 * Handler invocation times by mapping pattern (a bounded set: the app's own mappings, never raw
 * destinations), kept as plain counts so that recording costs an array increment and Prometheus
 * reads them at scrape time.
 */
export class HandlerTimings {
  private readonly byPattern = new Map<string, HistogramCounts>();

  record(pattern: string, seconds: number): void {
    let buckets = this.byPattern.get(pattern);
    if (!buckets) this.byPattern.set(pattern, (buckets = new HistogramCounts(HANDLER_DURATION_BUCKETS)));
    buckets.observe(seconds);
  }

  entries(): IterableIterator<[string, HistogramCounts]> {
    return this.byPattern.entries();
  }
}
