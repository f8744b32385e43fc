import type { DestinationMatcher } from '../../engine/broker/destination.matcher.js';

/** Which frame a mapping answers: `@MessageMapping` → SEND, `@SubscribeMapping` → SUBSCRIBE. */
export type MappingKind = 'SEND' | 'SUBSCRIBE';

/** A handler found for a destination, with the values of its `{var}` placeholders. */
export interface HandlerMatch<T> {
  handler: T;
  pattern: string;
  variables: Record<string, string>;
}

interface Entry<T> {
  pattern: string;
  handler: T;
  score: number;
}

/** Thrown at bootstrap when two handlers claim the same destination. */
export class DuplicateMappingError extends Error {
  override readonly name = 'DuplicateMappingError';
}

/** `{id}` and `{name}` capture the same destinations, so variable names do not tell mappings apart. */
function canonical(pattern: string): string {
  return pattern.replace(/\{[^}:]*(:[^}]*)?\}/g, '{$1}');
}

/** Spring's AntPatternComparator in short: fewer variables and wildcards first (`**` counts double), then the longer pattern. */
function specificity(pattern: string): number {
  const doubles = pattern.match(/\*\*/g)?.length ?? 0;
  const singles = (pattern.match(/\*/g)?.length ?? 0) - 2 * doubles + (pattern.match(/\?/g)?.length ?? 0);
  const variables = pattern.match(/\{/g)?.length ?? 0;
  return variables + singles + 2 * doubles;
}

interface Table<T> {
  exact: Map<string, Entry<T>>;
  patterns: Entry<T>[];
}

/**
 * Handlers by destination, for SEND and SUBSCRIBE apart: exact destinations are a map lookup;
 * patterns are tried most specific first, so `/room/lobby` beats `/room/{id}` beats `/room/**`.
 */
export class HandlerRegistry<T> {
  private readonly tables: Record<MappingKind, Table<T>> = {
    SEND: { exact: new Map(), patterns: [] },
    SUBSCRIBE: { exact: new Map(), patterns: [] },
  };
  private readonly claimed = new Map<string, string>();

  constructor(private readonly matcher: DestinationMatcher) {}

  /** Registers `handler` (called `name` in errors) for `pattern`; a second claim on the same destination throws. */
  add(kind: MappingKind, pattern: string, handler: T, name: string): void {
    const key = `${kind} ${canonical(pattern)}`;
    const holder = this.claimed.get(key);
    if (holder !== undefined) {
      throw new DuplicateMappingError(`${kind} ${pattern} is mapped twice: by ${holder} and by ${name}`);
    }
    this.claimed.set(key, name);
    const table = this.tables[kind];
    const entry: Entry<T> = { pattern, handler, score: specificity(pattern) };
    if (!this.matcher.isPattern(pattern)) {
      table.exact.set(pattern, entry);
      return;
    }
    this.matcher.compile(pattern);
    const at = table.patterns.findIndex((e) => e.score > entry.score || (e.score === entry.score && e.pattern.length < pattern.length));
    table.patterns.splice(at < 0 ? table.patterns.length : at, 0, entry);
  }

  find(kind: MappingKind, destination: string): HandlerMatch<T> | undefined {
    const table = this.tables[kind];
    const exact = table.exact.get(destination);
    if (exact) return { handler: exact.handler, pattern: exact.pattern, variables: {} };
    for (const entry of table.patterns) {
      const variables = this.matcher.match(entry.pattern, destination);
      if (variables) return { handler: entry.handler, pattern: entry.pattern, variables };
    }
    return undefined;
  }

  /** Number of mappings. */
  get size(): number {
    return this.claimed.size;
  }
}
