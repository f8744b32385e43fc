import { StompProtocolError } from '../errors/protocol.error.js';
import { STOMP_DEFAULTS } from '../options/stomp.defaults.js';
import { splitDestination, type CompiledPattern, type DestinationMatcher, type DestinationParts } from './destination.matcher.js';
import type { DeliveryFilter } from '../../interfaces/message-broker.interface.js';
import { PatternIndex } from './pattern.index.js';
import { CLIENT_MESSAGES } from '../stomp.messages.js';

/** One SUBSCRIBE of one session: `data` is whatever the broker attaches (send function, ack mode...). */
export interface Subscription<T> {
  readonly sessionId: string;
  readonly id: string;
  readonly destination: string;
  readonly data: T;
}

/** A subscription; its registration order, compiled pattern and cache links stay private (not in logs or JSON). */
class Entry<T> implements Subscription<T> {
  readonly #seq: number;
  readonly #pattern: CompiledPattern | null;
  readonly #filter: DeliveryFilter | undefined;
  /** The cached destinations whose result lists this pattern subscription, dropped when it goes (made for patterns only, on first use). */
  #cachedIn: Set<string> | undefined;

  constructor(
    readonly sessionId: string,
    readonly id: string,
    readonly destination: string,
    readonly data: T,
    seq: number,
    pattern: CompiledPattern | null,
    filter: DeliveryFilter | undefined,
  ) {
    this.#seq = seq;
    this.#pattern = pattern;
    this.#filter = filter;
  }

  /** Registration order, used to merge exact and pattern matches. */
  get seq(): number {
    return this.#seq;
  }

  /** The compiled destination of a pattern subscription, null for an exact one. */
  get pattern(): CompiledPattern | null {
    return this.#pattern;
  }

  get cachedIn(): Set<string> {
    return (this.#cachedIn ??= new Set());
  }

  /** Whether this pattern subscription reaches `destination`: its pattern matches and its filter lets it through. */
  reaches(destination: string, parts: DestinationParts): boolean {
    return this.#pattern !== null && this.#pattern.testParts(parts) && (this.#filter === undefined || this.#filter(destination));
  }
}

/** A resolved destination: its subscribers, and its segments for testing new patterns against it. */
interface Resolved<T> {
  readonly list: readonly Entry<T>[];
  readonly parts: DestinationParts;
}

const NONE: readonly Entry<never>[] = Object.freeze([]);

/** A session's subscriptions: most sessions hold one, kept as itself (a Map costs ~200 B); a Map from the second on. */
type Own<T> = Entry<T> | Map<string, Entry<T>>;

function find<T>(own: Own<T> | undefined, id: string): Entry<T> | undefined {
  if (own instanceof Entry) return own.id === id ? own : undefined;
  return own?.get(id);
}

function entriesOf<T>(own: Own<T> | undefined): Iterable<Entry<T>> {
  if (own === undefined) return NONE;
  return own instanceof Entry ? [own] : own.values();
}

/** Subscribers of one exact destination; the list is copied before a write only once it has been handed out. */
class Bucket<T> {
  private list: Entry<T>[] = [];
  private shared = false;

  get size(): number {
    return this.list.length;
  }

  /** The list, which from now on is never changed in place. */
  view(): readonly Entry<T>[] {
    this.shared = true;
    return this.list;
  }

  add(entry: Entry<T>): void {
    this.own().push(entry);
  }

  remove(entry: Entry<T>): void {
    const list = this.own();
    list.splice(list.indexOf(entry), 1);
  }

  private own(): Entry<T>[] {
    if (this.shared) {
      this.list = this.list.slice();
      this.shared = false;
    }
    return this.list;
  }
}

/** Merges two lists already sorted by registration order. */
function merge<T>(a: readonly Entry<T>[], b: readonly Entry<T>[]): Entry<T>[] {
  const out: Entry<T>[] = [];
  let i = 0;
  let j = 0;
  while (i < a.length && j < b.length) out.push(a[i].seq < b[j].seq ? a[i++] : b[j++]);
  while (i < a.length) out.push(a[i++]);
  while (j < b.length) out.push(b[j++]);
  return out;
}

/**
 * Who is subscribed to what (Spring's `DefaultSubscriptionRegistry`). Exact destinations are
 * looked up in a map; pattern subscriptions are indexed by their literal prefix, matched once per
 * destination and the result cached (FIFO, `cacheLimit` destinations). A change drops only the
 * cached results it affects: a new pattern is tested against the cached destinations, a removed
 * one knows the results it is in, so closing a session costs O(its own subscriptions).
 */
export class SubscriptionRegistry<T> {
  private readonly bySession = new Map<string, Own<T>>();
  private readonly exact = new Map<string, Bucket<T>>();
  private readonly patterns = new PatternIndex<Entry<T>>();
  private readonly cache = new Map<string, Resolved<T>>();
  private seq = 0;
  private count = 0;

  constructor(
    private readonly matcher: DestinationMatcher,
    private readonly cacheLimit: number = STOMP_DEFAULTS.cacheLimit,
    /** Pattern subscriptions in this registry, all sessions together: each one is tested on every new destination published. */
    private readonly maxPatternSubscriptions: number = STOMP_DEFAULTS.maxPatternSubscriptions,
  ) {}

  /**
   * Registers a subscription; throws `DUPLICATE_SUBSCRIPTION` when the session already uses `id`,
   * `TOO_MANY_PATTERN_SUBSCRIPTIONS` when a pattern would exceed `maxPatternSubscriptions`.
   * A pattern subscription's `filter` is asked once per destination it matches; the answer is
   * cached with the match, so a refused destination costs nothing on later publishes.
   */
  add(sessionId: string, id: string, destination: string, data: T, filter?: DeliveryFilter): Subscription<T> {
    const own = this.bySession.get(sessionId);
    if (find(own, id)) throw new StompProtocolError('DUPLICATE_SUBSCRIPTION', CLIENT_MESSAGES.duplicateSubscription(id));
    const isPattern = this.matcher.isPattern(destination);
    if (isPattern && this.patterns.size >= this.maxPatternSubscriptions) {
      throw new StompProtocolError('TOO_MANY_PATTERN_SUBSCRIPTIONS', CLIENT_MESSAGES.tooManyPatternSubscriptions);
    }
    const pattern = isPattern ? this.matcher.compile(destination) : null;
    const entry = new Entry(sessionId, id, destination, data, this.seq++, pattern, pattern ? filter : undefined);
    if (own === undefined) this.bySession.set(sessionId, entry);
    else if (own instanceof Entry)
      this.bySession.set(
        sessionId,
        new Map([
          [own.id, own],
          [id, entry],
        ]),
      );
    else own.set(id, entry);
    this.count++;
    if (pattern) {
      this.patterns.add(entry, pattern.literalPrefix);
      for (const [cached, resolved] of this.cache) if (pattern.testParts(resolved.parts)) this.drop(cached);
    } else {
      let bucket = this.exact.get(destination);
      if (!bucket) this.exact.set(destination, (bucket = new Bucket()));
      bucket.add(entry);
      this.drop(destination);
    }
    return entry;
  }

  /** Removes one subscription and returns it, or undefined when unknown. */
  remove(sessionId: string, id: string): Subscription<T> | undefined {
    const own = this.bySession.get(sessionId);
    const entry = find(own, id);
    if (!entry) return undefined;
    if (own instanceof Map && own.size > 2) own.delete(id);
    else if (own instanceof Map) {
      own.delete(id);
      this.bySession.set(sessionId, own.values().next().value!);
    } else this.bySession.delete(sessionId);
    this.count--;
    if (entry.pattern) {
      this.patterns.remove(entry);
      for (const cached of [...entry.cachedIn]) this.drop(cached);
    } else {
      const bucket = this.exact.get(entry.destination);
      bucket?.remove(entry);
      if (bucket?.size === 0) this.exact.delete(entry.destination);
      this.drop(entry.destination);
    }
    return entry;
  }
  /** Removes and returns every subscription of a session (on DISCONNECT or close). */
  removeSession(sessionId: string): Subscription<T>[] {
    const removed = this.forSession(sessionId);
    for (const sub of removed) this.remove(sessionId, sub.id);
    return removed;
  }

  /** The subscription `id` of a session, if any. */
  get(sessionId: string, id: string): Subscription<T> | undefined {
    return find(this.bySession.get(sessionId), id);
  }

  /** How many subscriptions a session holds. */
  countFor(sessionId: string): number {
    const own = this.bySession.get(sessionId);
    return own instanceof Entry ? 1 : (own?.size ?? 0);
  }

  /** Total number of subscriptions. */
  get size(): number {
    return this.count;
  }

  /** Number of sessions holding at least one subscription. */
  get sessionsCount(): number {
    return this.bySession.size;
  }

  /** Every subscription, session by session. */
  *all(): IterableIterator<Subscription<T>> {
    for (const own of this.bySession.values()) yield* entriesOf(own);
  }

  /** A session's subscriptions, in subscription order. */
  forSession(sessionId: string): Subscription<T>[] {
    return [...entriesOf(this.bySession.get(sessionId))];
  }

  /**
   * Every subscription whose destination equals `destination` or whose pattern matches it, in
   * subscription order. The array is shared with the registry and later calls (so the fan-out
   * hot path allocates nothing): callers must not mutate it. The registry never changes it
   * afterwards either (a later add or remove copies it first), so it is safe to iterate while
   * subscribers come and go.
   */
  match(destination: string): readonly Subscription<T>[] {
    const exact = this.exact.get(destination)?.view() ?? NONE;
    if (this.patterns.size === 0) return exact;
    const cached = this.cache.get(destination);
    if (cached) return cached.list;
    const parts = splitDestination(destination, this.matcher.separator);
    const matched = this.patterns.candidates(parts.parts).filter((e) => e.reaches(destination, parts));
    // Candidates come prefix by prefix; subscription order is what delivery follows.
    matched.sort((a, b) => a.seq - b.seq);
    const list = matched.length === 0 ? exact : exact.length === 0 ? matched : merge(exact, matched);
    if (this.cacheLimit > 0) {
      if (this.cache.size >= this.cacheLimit) {
        const oldest = this.cache.keys().next();
        if (!oldest.done) this.drop(oldest.value);
      }
      this.cache.set(destination, { list, parts });
      for (const entry of matched) entry.cachedIn.add(destination);
    }
    return list;
  }

  /** Forgets the cached result of `destination`, and unlinks it from the patterns it lists. */
  private drop(destination: string): void {
    const resolved = this.cache.get(destination);
    if (!resolved) return;
    this.cache.delete(destination);
    for (const entry of resolved.list) if (entry.pattern) entry.cachedIn.delete(destination);
  }
}
