import { STOMP_DEFAULTS } from '../stomp.constants.js';

/** One segment of a compiled pattern: `**`, a bare `*`, literal text, or a regex with named variables. */
type Segment =
  | { readonly kind: 'deep' }
  | { readonly kind: 'any' }
  | { readonly kind: 'literal'; readonly text: string }
  | { readonly kind: 'regex'; readonly re: RegExp; readonly names: readonly string[] };

const DEEP: Segment = { kind: 'deep' };
const ANY: Segment = { kind: 'any' };
const REGEX_SPECIALS = /[.*+?^${}()|[\]\\]/g;

/** Index of the `}` closing the `{` at `start` (one level of nested braces, backslash escapes), or -1. */
function closingBrace(text: string, start: number): number {
  let depth = 0;
  for (let i = start; i < text.length; i++) {
    const c = text[i];
    if (c === '\\') i++;
    else if (c === '{') depth++;
    else if (c === '}' && --depth === 0) return i;
  }
  return -1;
}

/** A pattern compiled once; `match` and `test` never build a RegExp. */
export class CompiledPattern {
  private readonly segments: readonly Segment[] = [];
  private readonly hasDeep: boolean = false;

  constructor(
    /** The pattern as written. */
    readonly pattern: string,
    private readonly separator: string,
    /** Whether the pattern has wildcards or variables (otherwise it is compared with `===`). */
    readonly isPattern: boolean,
  ) {
    if (!isPattern) return;
    const segments = pattern.split(separator).filter((s) => s !== '');
    this.segments = segments
      .filter((s, i) => !(s === '**' && segments[i - 1] === '**'))
      .map((s) => this.compileSegment(s));
    this.hasDeep = this.segments.includes(DEEP);
  }

  /** The captured `{var}` values (empty when none), or null when `destination` does not match. */
  match(destination: string): Record<string, string> | null {
    if (!this.isPattern) return destination === this.pattern ? {} : null;
    const vars: Record<string, string> = {};
    return this.run(destination, vars) ? vars : null;
  }

  /** Whether `destination` matches, without collecting variables. */
  test(destination: string): boolean {
    return this.isPattern ? this.run(destination, null) : destination === this.pattern;
  }

  /** Ant matching over segments; on a mismatch only the last `**` takes one more segment, so it is O(segments × parts). */
  private run(destination: string, vars: Record<string, string> | null): boolean {
    const sep = this.separator;
    if (destination.startsWith(sep) !== this.pattern.startsWith(sep)) return false;
    const parts = destination.split(sep).filter((s) => s !== '');
    const segs = this.segments;
    let si = 0;
    let pi = 0;
    let starSi = -1;
    let starPi = 0;
    while (pi < parts.length) {
      if (si < segs.length && segs[si] === DEEP) {
        starSi = si++;
        starPi = pi;
      } else if (si < segs.length && this.segmentMatches(segs[si], parts[pi], vars)) {
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
    const endsWithSep = destination.endsWith(sep);
    if (si === segs.length) return this.hasDeep || endsWithSep === this.pattern.endsWith(sep);
    // Spring: `/topic/*` matches `/topic/` (a trailing separator stands for one empty segment).
    return !this.hasDeep && si === segs.length - 1 && segs[si] === ANY && endsWithSep;
  }

  private segmentMatches(seg: Segment, part: string, vars: Record<string, string> | null): boolean {
    switch (seg.kind) {
      case 'deep':
        return false;
      case 'any':
        return true;
      case 'literal':
        return seg.text === part;
      case 'regex': {
        if (vars === null || seg.names.length === 0) return seg.re.test(part);
        const groups = seg.re.exec(part)?.groups;
        if (!groups) return false;
        for (let i = 0; i < seg.names.length; i++) vars[seg.names[i]] = groups[`v${i}`] ?? '';
        return true;
      }
    }
  }

  private compileSegment(text: string): Segment {
    if (text === '**') return DEEP;
    if (text === '*') return ANY;
    if (!/[*?{]/.test(text)) return { kind: 'literal', text };
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
