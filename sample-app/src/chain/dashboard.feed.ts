import { Injectable, type OnModuleDestroy } from '@nestjs/common';
import { Subject, type Observable } from 'rxjs';
import type { Block, DashboardTopic, SupplyStats, Transaction } from './chain.model.js';

/** One change of the dashboard, numbered so an HTTP client can ask for what came after the last one it saw. */
export type DashboardUpdate =
  | { seq: number; topic: 'blockInfo'; payload: Block }
  | { seq: number; topic: 'tranInfo'; payload: Transaction }
  | { seq: number; topic: 'supply'; payload: SupplyStats };

type PayloadOf<T extends DashboardTopic> = Extract<DashboardUpdate, { topic: T }>['payload'];

/** Updates kept for HTTP clients that come back (a polling client one second later, a long-poller at once). */
const KEPT_UPDATES = 1000;

/**
 * The one source of dashboard changes. STOMP subscribers get them pushed (DashboardPublisher);
 * the polling endpoints read the same numbered updates, so every delivery path carries the same data.
 */
@Injectable()
export class DashboardFeed implements OnModuleDestroy {
  private seq = 0;
  private readonly kept: DashboardUpdate[] = [];
  private readonly subject = new Subject<DashboardUpdate>();
  private readonly producedHere = new Subject<DashboardUpdate>();

  /** Every update as it happens; completes when the app shuts down. */
  readonly updates$: Observable<DashboardUpdate> = this.subject.asObservable();

  /** The updates this node's chain produced, not those it followed from the cluster's leader: what it must push to STOMP. */
  readonly produced$: Observable<DashboardUpdate> = this.producedHere.asObservable();

  /** Number of the latest update (0 before the first). */
  get lastSeq(): number {
    return this.seq;
  }

  publish<T extends DashboardTopic>(topic: T, payload: PayloadOf<T>): DashboardUpdate {
    const update = this.record(topic, payload);
    this.producedHere.next(update);
    return update;
  }

  /** An update the cluster's leader pushed: kept for this node's HTTP clients; its STOMP subscribers have it from the broker. */
  record<T extends DashboardTopic>(topic: T, payload: PayloadOf<T>): DashboardUpdate {
    const update = { seq: ++this.seq, topic, payload } as DashboardUpdate;
    this.kept.push(update);
    if (this.kept.length > KEPT_UPDATES) this.kept.shift();
    this.subject.next(update);
    return update;
  }

  /** The updates after `seq`, oldest first; `undefined` when some of them are no longer kept. */
  after(seq: number): DashboardUpdate[] | undefined {
    if (seq >= this.seq) return [];
    const oldest = this.kept[0]?.seq ?? this.seq + 1;
    if (seq < oldest - 1) return undefined;
    return this.kept.slice(seq - oldest + 1);
  }

  /** Ends the stream, which releases every waiting long-poll before the HTTP server closes. */
  onModuleDestroy(): void {
    this.subject.complete();
    this.producedHere.complete();
  }
}
