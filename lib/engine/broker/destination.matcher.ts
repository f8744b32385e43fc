import { STOMP_DEFAULTS } from '../options/stomp.defaults.js';
import { GlobSegment, closingBrace } from './segment.glob.js';

/**
 * One segment of a compiled pattern: `**`, a bare `*`, literal text, a glob (`*`, `?`, `{name}`
 * matched without a RegExp), or a server-defined `{name:regex}` segment.
 */
type Segment =
  | { readonly kind: 'deep' }
  | { readonly kind: 'any' }
  | { readonly kind: 'literal'; readonly text: string }
  | { readonly kind: 'glob'; readonly glob: GlobSegment }
  | { readonly kind: 'regex'; readonly re: RegExp; readonly names: readonly string[] };

const DEEP: Segment = { kind: 'deep' };
const ANY: Segment = { kind: 'any' };
const REGEX_SPECIALS = /[.*+?^${}()|[\]\\]/g;

/** A destination cut at its separators once, so many patterns can be tested against it. */
export interface DestinationParts {
  /** The non-empty segments. */
  readonly parts: readonly string[];
  readonly leading: boolean;
  readonly trailing: boolean;
}

/** How much work a pattern asks of every publish: what `maxPatternSegments` and `maxPatternWildcards` bound. */
export interface PatternComplexity {
  segments: number;
  /** The most `*`, `?` and `{` of any one segment (a `**` segment counts one). */
  wildcards: number;
}

/** Counts the segments and the wildcards of the busiest segment of `pattern`. */
export function patternComplexity(pattern: string, separator: string): PatternComplexity {
  const segments = pattern.split(separator).filter((s) => s !== '');
  let wildcards = 0;
  for (const segment of segments) {
    let count = 0;
    if (segment === '**') count = 1;
    else for (const c of segment) if (c === '*' || c === '?' || c === '{') count++;
    wildcards = Math.max(wildcards, count);
  }
  return { segments: segments.length, wildcards };
}

/** Cuts `destination` at `separator`, keeping whether it starts and ends with one. */
export function splitDestination(destination: string, separator: string): DestinationParts {
  return {
    parts: destination.split(separator).filter((s) => s !== ''),
    leading: destination.startsWith(separator),
    trailing: destination.endsWith(separator),
  };
}

/** A pattern compiled once; `match` and `test` run no RegExp unless the pattern has a `{name:regex}`. */
export class CompiledPattern {
  private readonly segments: readonly Segment[] = [];
  private readonly hasDeep: boolean = false;
  /** The literal segments before the first wildcard one: every destination it matches starts with them. */
  readonly literalPrefix: readonly string[] = [];

  constructor(
    /** The pattern as written. */
    readonly pattern: string,
    private readonly separator: string,
    /** Whether the pattern has wildcards or variables (otherwise it is compared with `===`). */
    readonly isPattern: boolean,
  ) {
    if (!isPattern) return;
    const segments = pattern.split(separator).filter((s) => s !== '');
    this.segments = segments.filter((s, i) => !(s === '**' && segments[i - 1] === '**')).map((s) => this.compileSegment(s));
    this.hasDeep = this.segments.includes(DEEP);
    const firstWild = this.segments.findIndex((s) => s.kind !== 'literal');
    this.literalPrefix = segments.slice(0, firstWild < 0 ? segments.length : firstWild);
  }

  /** The captured `{var}` values (empty when none), or null when `destination` does not match. */
  match(destination: string): Record<string, string> | null {
    if (!this.isPattern) return destination === this.pattern ? {} : null;
    const vars: Record<string, string> = {};
    return this.run(splitDestination(destination, this.separator), vars) ? vars : null;
  }

  /** Whether `destination` matches, without collecting variables. */
  test(destination: string): boolean {
    return this.isPattern ? this.run(splitDestination(destination, this.separator), null) : destination === this.pattern;
  }

  /** `test` on a pattern's destination already split by `splitDestination` with the same separator. */
  testParts(destination: DestinationParts): boolean {
    return this.run(destination, null);
  }

  /** Ant matching over segments; on a mismatch only the last `**` takes one more segment, so it is O(segments × parts). */
  private run(destination: DestinationParts, vars: Record<string, string> | null): boolean {
    const sep = this.separator;
    if (destination.leading !== this.pattern.startsWith(sep)) return false;
    const parts = destination.parts;
    const segs = this.segments;
    let si = 0;
    let pi = 0;
    let starSi = -1;
    let starPi = 0;
    while (pi < parts.length) {
      if (si < segs.length && segs[si] === DEEP) {
        starSi = si++;
        starPi = pi;
      } else if (si < segs.length && segmentMatches(segs[si], parts[pi], vars)) {
        si++;
        pi++;
      } else if (starSi >= 0) {
        si = starSi + 1;
        pi = ++starPi;
      } else {
        return false;
      }
    }
    while (si < segs.length && segs[si] === DEEP) si++;
    const endsWithSep = destination.trailing;
    if (si === segs.length) return this.hasDeep || endsWithSep === this.pattern.endsWith(sep);
    // Spring: `/topic/*` matches `/topic/` (a trailing separator stands for one empty segment).
    return !this.hasDeep && si === segs.length - 1 && segs[si] === ANY && endsWithSep;
  }

  private compileSegment(text: string): Segment {
    if (text === '**') return DEEP;
    if (text === '*') return ANY;
    if (!/[*?{]/.test(text)) return { kind: 'literal', text };
    const glob = GlobSegment.compile(text);
    return glob ? { kind: 'glob', glob } : this.compileRegex(text);
  }

  /** Only server-defined mappings get here: a client's `{name:regex}` SUBSCRIBE is refused before it is compiled. */
  private compileRegex(text: string): Segment {
    const names: string[] = [];
    let source = '';
    for (let i = 0; i < text.length; i++) {
      const c = text[i];
      const end = c === '{' ? closingBrace(text, i) : -1;
      if (c === '?') source += '.';
      else if (c === '*') source += '.*';
      else if (end < 0) source += c.replace(REGEX_SPECIALS, '\\$&');
      else {
        const body = text.slice(i + 1, end);
        const colon = body.indexOf(':');
        names.push(colon < 0 ? body : body.slice(0, colon));
        source += `(?<v${names.length - 1}>${colon < 0 ? '.*' : body.slice(colon + 1)})`;
        i = end;
      }
    }
    try {
      return { kind: 'regex', re: new RegExp(`^(?:${source})$`, 's'), names };
    } catch (error) {
      throw new Error(`Invalid destination pattern "${this.pattern}": ${(error as Error).message}`);
    }
  }
}

function segmentMatches(seg: Segment, part: string, vars: Record<string, string> | null): boolean {
  switch (seg.kind) {
    case 'deep':
      return false;
    case 'any':
      return true;
    case 'literal':
      return seg.text === part;
    case 'glob':
      return seg.glob.matches(part, vars);
    case 'regex': {
      if (vars === null || seg.names.length === 0) return seg.re.test(part);
      const groups = seg.re.exec(part)?.groups;
      if (!groups) return false;
      for (let i = 0; i < seg.names.length; i++) vars[seg.names[i]] = groups[`v${i}`] ?? '';
      return true;
    }
  }
}

/**
 * Spring's `AntPathMatcher` for STOMP destinations: `?` one character, `*` within a segment,
 * `**` any number of whole segments, `{name}` and `{name:regex}` capture a segment's part.
 * The separator is `/` or `.` (RabbitMQ-style destinations).
 */
export class DestinationMatcher {
  private readonly compiled = new Map<string, CompiledPattern>();

  constructor(
    /** Segment separator. */
    readonly separator: string = STOMP_DEFAULTS.pathSeparator,
    /** Compiled patterns kept; the oldest is evicted first. */
    private readonly cacheLimit: number = STOMP_DEFAULTS.cacheLimit,
  ) {
    if (separator === '') throw new Error('The destination separator must not be empty');
  }

  /** Whether `destination` holds `*`, `?` or `{` (so it is matched rather than compared). */
  isPattern(destination: string): boolean {
    return /[*?{]/.test(destination);
  }

  /** The compiled form of `pattern`, from the cache when possible. */
  compile(pattern: string): CompiledPattern {
    let compiled = this.compiled.get(pattern);
    if (compiled) return compiled;
    compiled = new CompiledPattern(pattern, this.separator, this.isPattern(pattern));
    if (this.compiled.size >= this.cacheLimit) {
      const oldest = this.compiled.keys().next();
      if (!oldest.done) this.compiled.delete(oldest.value);
    }
    if (this.cacheLimit > 0) this.compiled.set(pattern, compiled);
    return compiled;
  }

  /** The captured `{var}` values (empty when none), or null when `destination` does not match `pattern`. */
  match(pattern: string, destination: string): Record<string, string> | null {
    if (!this.isPattern(pattern)) return pattern === destination ? {} : null;
    return this.compile(pattern).match(destination);
  }

  /** Joins a class-level and a method-level mapping with exactly one separator. */
  combine(prefix: string, pattern: string): string {
    if (prefix === '') return pattern;
    if (pattern === '') return prefix;
    const sep = this.separator;
    const head = prefix.endsWith(sep) ? prefix.slice(0, -sep.length) : prefix;
    const tail = pattern.startsWith(sep) ? pattern.slice(sep.length) : pattern;
    return `${head}${sep}${tail}`;
  }

  /** Fills the `{var}` placeholders of `template`; throws when a variable has no value. */
  expand(template: string, variables: Readonly<Record<string, string>>): string {
    let out = '';
    for (let i = 0; i < template.length; i++) {
      const end = template[i] === '{' ? closingBrace(template, i) : -1;
      if (end < 0) {
        out += template[i];
        continue;
      }
      const body = template.slice(i + 1, end);
      const name = body.includes(':') ? body.slice(0, body.indexOf(':')) : body;
      if (!Object.hasOwn(variables, name)) {
        throw new Error(`No value for destination variable "${name}" in "${template}"`);
      }
      out += variables[name];
      i = end;
    }
    return out;
  }
}
