import { randomBytes } from 'node:crypto';
import type { StompHeaders } from '../../../interfaces/stomp-frame.interface.js';
import { MessageFrameTemplate } from '../../protocol/frame.serializer.js';

/** One kept message: its offset on its destination and the frame template a replay renders from. */
export interface HistoryEntry {
  readonly offset: number;
  readonly at: number;
  readonly headers: StompHeaders;
  readonly body: Buffer;
  readonly template: MessageFrameTemplate;
  readonly bytes: number;
  evicted: boolean;
}

/** How much one destination keeps (the rule that claimed it). */
export interface HistoryBounds {
  size: number;
  maxAgeMs?: number;
}

/**
 * A kept message costs its body and headers twice (the message, and the frame bytes its template
 * renders for a replay) plus this much bookkeeping.
 */
export const ENTRY_OVERHEAD_BYTES = 256;

export function entryBytes(headers: StompHeaders, body: Buffer): number {
  let headerBytes = 0;
  for (const name in headers) headerBytes += name.length + headers[name].length + 2;
  return 2 * (body.length + headerBytes) + ENTRY_OVERHEAD_BYTES;
}

/** The kept messages of one destination, oldest first; offsets are consecutive from `oldestOffset`. */
export class DestinationHistory {
  private entries: HistoryEntry[] = [];
  private head = 0;
  /** The offset the next message gets. */
  nextOffset = 0;
  /** Bytes of the kept messages, for metrics. */
  bytes = 0;

  constructor(
    readonly destination: string,
    readonly epoch: string,
    readonly bounds: HistoryBounds,
  ) {}

  get size(): number {
    return this.entries.length - this.head;
  }

  /** The offset of the oldest kept message; `nextOffset` when nothing is kept. */
  get oldestOffset(): number {
    return this.size === 0 ? this.nextOffset : this.entries[this.head].offset;
  }

  /** The kept message at `offset`, if it is still kept. */
  at(offset: number): HistoryEntry | undefined {
    const index = this.head + offset - this.oldestOffset;
    return index >= this.head && index < this.entries.length ? this.entries[index] : undefined;
  }

  append(entry: HistoryEntry): void {
    this.entries.push(entry);
    this.nextOffset = entry.offset + 1;
    this.bytes += entry.bytes;
  }

  /** Drops the oldest kept message; returns it. */
  dropOldest(): HistoryEntry | undefined {
    if (this.size === 0) return undefined;
    const entry = this.entries[this.head];
    this.entries[this.head++] = undefined as unknown as HistoryEntry;
    entry.evicted = true;
    this.bytes -= entry.bytes;
    if (this.head === this.entries.length) {
      this.entries = [];
      this.head = 0;
    } else if (this.head > 1024 && this.head * 2 > this.entries.length) {
      this.entries.splice(0, this.head);
      this.head = 0;
    }
    return entry;
  }

  /** The oldest kept message, if any. */
  oldest(): HistoryEntry | undefined {
    return this.size === 0 ? undefined : this.entries[this.head];
  }
}

/** Where the store reads the time (tests turn it). */
export type Clock = () => number;

/**
 * Every destination's history in this process, bounded three ways: `size` messages and `maxAgeMs` per
 * destination (its rule), and `bytesLimit` for all of them together (the oldest message anywhere goes
 * first). A destination whose last kept message goes is forgotten: its next message starts a new epoch
 * at offset 0, so what a store holds is bounded by the messages it keeps, whatever the number of destinations.
 */
export class HistoryStore {
  private readonly histories = new Map<string, DestinationHistory>();
  /** Every kept entry in publish order, across destinations, for the global byte bound (evicted ones are skipped). */
  private order: Array<{ history: DestinationHistory; entry: HistoryEntry }> = [];
  private orderHead = 0;
  private live = 0;
  private epochs = 0;
  private readonly processEpoch = randomBytes(6).toString('base64url');
  bytes = 0;

  constructor(
    readonly bytesLimit: number,
    private readonly clock: Clock = Date.now,
  ) {}

  /** Keeps one message for `destination` under `bounds`; returns it with its offset and epoch. */
  append(destination: string, bounds: HistoryBounds, headers: StompHeaders, body: Buffer): { entry: HistoryEntry; epoch: string } {
    let history = this.current(destination);
    if (!history) {
      history = new DestinationHistory(destination, `${this.processEpoch}-${++this.epochs}`, bounds);
      this.histories.set(destination, history);
    }
    const offset = history.nextOffset;
    const full: StompHeaders = { destination, ...headers, 'x-stream-offset': String(offset), 'x-stream-epoch': history.epoch };
    const bytes = entryBytes(full, body);
    const entry: HistoryEntry = {
      offset,
      at: this.clock(),
      headers: full,
      body,
      template: new MessageFrameTemplate(full, body),
      bytes,
      evicted: false,
    };
    history.append(entry);
    this.order.push({ history, entry });
    this.live++;
    this.bytes += bytes;
    while (history.size > bounds.size) this.drop(history);
    // The message just kept stays, even alone over the limit: live subscribers still get it from the broker.
    while (this.bytes > this.bytesLimit && this.live > 1) this.dropOldestAnywhere();
    this.compactOrder();
    return { entry, epoch: history.epoch };
  }

  /** The history of `destination` now (aged messages dropped), or undefined when nothing is kept there. */
  current(destination: string): DestinationHistory | undefined {
    const history = this.histories.get(destination);
    if (!history) return undefined;
    const maxAge = history.bounds.maxAgeMs;
    if (maxAge !== undefined) {
      const oldestAllowed = this.clock() - maxAge;
      for (let oldest = history.oldest(); oldest && oldest.at < oldestAllowed; oldest = history.oldest()) this.drop(history);
    }
    return this.histories.get(destination) === history ? history : undefined;
  }

  /** Kept destinations, messages and bytes by the bounds (the rule) each history was made under; read at scrape time. */
  keptByBounds(): Map<HistoryBounds, { destinations: number; messages: number; bytes: number }> {
    const kept = new Map<HistoryBounds, { destinations: number; messages: number; bytes: number }>();
    for (const history of this.histories.values()) {
      let totals = kept.get(history.bounds);
      if (!totals) kept.set(history.bounds, (totals = { destinations: 0, messages: 0, bytes: 0 }));
      totals.destinations++;
      totals.messages += history.size;
      totals.bytes += history.bytes;
    }
    return kept;
  }

  /** Destinations with something kept. */
  get destinations(): number {
    return this.histories.size;
  }

  private drop(history: DestinationHistory): void {
    const entry = history.dropOldest();
    if (!entry) return;
    this.bytes -= entry.bytes;
    this.live--;
    if (history.size === 0) this.histories.delete(history.destination);
  }

  private dropOldestAnywhere(): void {
    while (this.orderHead < this.order.length) {
      const { history, entry } = this.order[this.orderHead];
      this.order[this.orderHead++] = undefined as unknown as (typeof this.order)[number];
      if (entry.evicted) continue;
      // Publish order is offset order on each destination: the oldest anywhere is its destination's oldest.
      this.drop(history);
      return;
    }
  }

  /** Keeps the publish-order list at most twice the kept messages, whatever was evicted per destination. */
  private compactOrder(): void {
    const held = this.order.length - this.orderHead;
    if (held < 1024 || held < 2 * this.live) return;
    this.order = this.order.slice(this.orderHead).filter((o) => o && !o.entry.evicted);
    this.orderHead = 0;
  }
}
