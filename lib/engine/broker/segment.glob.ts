/**
 * A literal text of a chunk, at `offset` from its start, with the KMP failure tables of it and
 * of its reverse (searched in linear time, forwards or from the right).
 */
interface Literal {
  readonly offset: number;
  readonly forward: Kmp;
  readonly backward: Kmp;
}

interface Kmp {
  readonly codes: Uint16Array;
  readonly failure: Int32Array;
}

/** A fixed-length run of a segment between two stars: literal texts and `?` skips (as counts). */
interface Chunk {
  readonly pieces: readonly (string | number)[];
  readonly literals: readonly Literal[];
  readonly length: number;
}

/** Index of the `}` closing the `{` at `start` (one level of nested braces, backslash escapes), or -1. */
export function closingBrace(text: string, start: number): number {
  let depth = 0;
  for (let i = start; i < text.length; i++) {
    const c = text[i];
    if (c === '\\') i++;
    else if (c === '{') depth++;
    else if (c === '}' && --depth === 0) return i;
  }
  return -1;
}

function kmp(codes: Uint16Array): Kmp {
  const failure = new Int32Array(codes.length);
  for (let i = 1, k = 0; i < codes.length; i++) {
    while (k > 0 && codes[i] !== codes[k]) k = failure[k - 1];
    if (codes[i] === codes[k]) k++;
    failure[i] = k;
  }
  return { codes, failure };
}

function literal(text: string, offset: number): Literal {
  // Code units, not code points: `?` and the scans both step one UTF-16 unit at a time.
  const codes = new Uint16Array(text.length);
  for (let i = 0; i < text.length; i++) codes[i] = text.charCodeAt(i);
  return { offset, forward: kmp(codes), backward: kmp(codes.slice().reverse()) };
}

function chunk(pieces: (string | number)[]): Chunk {
  let length = 0;
  const literals: Literal[] = [];
  for (const piece of pieces) {
    if (typeof piece === 'string') literals.push(literal(piece, length));
    length += typeof piece === 'string' ? piece.length : piece;
  }
  return { pieces, literals, length };
}

function chunkAt(c: Chunk, text: string, at: number): boolean {
  let p = at;
  for (const piece of c.pieces) {
    if (typeof piece === 'number') p += piece;
    else if (!text.startsWith(piece, p)) return false;
    else p += piece.length;
  }
  return true;
}

/** KMP over `text[from, to)`, adding one at `counts[start - base]` for every occurrence of `lit`. One pass, O(to - from). */
function countAll(lit: Literal, text: string, from: number, to: number, counts: Uint16Array, base: number): void {
  const { codes, failure } = lit.forward;
  for (let i = from, k = 0; i < to; i++) {
    const c = text.charCodeAt(i);
    while (k > 0 && c !== codes[k]) k = failure[k - 1];
    if (c === codes[k]) k++;
    if (k === codes.length) {
      counts[i + 1 - k - base]++;
      k = failure[k - 1];
    }
  }
}

/** KMP from the right over `text[from, to)`: the start of the last occurrence of `lit`, or -1. O(to - from). */
function lastOccurrence(lit: Literal, text: string, from: number, to: number): number {
  const { codes, failure } = lit.backward;
  for (let i = to - 1, k = 0; i >= from; i--) {
    const c = text.charCodeAt(i);
    while (k > 0 && c !== codes[k]) k = failure[k - 1];
    if (c === codes[k]) k++;
    if (k === codes.length) return i;
  }
  return -1;
}

/**
 * The largest position in [lo, hi] where `c` matches `text`, or -1. Each literal is found by
 * one linear scan; with `?` between them, a position matches where all of them occur at their
 * offsets (counted per position), so a periodic text cannot make it quadratic.
 */
function rightmost(c: Chunk, text: string, lo: number, hi: number): number {
  if (hi < lo) return -1;
  const literals = c.literals;
  if (literals.length === 0) return hi;
  const end = (lit: Literal): number => hi + lit.offset + lit.forward.codes.length;
  if (literals.length === 1) {
    const at = lastOccurrence(literals[0], text, lo + literals[0].offset, end(literals[0]));
    return at < 0 ? -1 : at - literals[0].offset;
  }
  const counts = new Uint16Array(hi - lo + 1);
  for (const lit of literals) countAll(lit, text, lo + lit.offset, end(lit), counts, lo + lit.offset);
  for (let p = hi - lo; p >= 0; p--) if (counts[p] === literals.length) return lo + p;
  return -1;
}

/**
 * One segment with `*`, `?` and `{name}` (a capturing `*`), matched without a RegExp: the
 * chunks between stars have fixed lengths, so the first and last are pinned to the ends and each
 * middle one is placed as far right as it fits. No backtracking: one linear scan per literal
 * text, so O(literals × part length) whatever the input. Placing chunks
 * rightmost makes each variable as long as a greedy regex would (`{a}-{b}` on `x-y-z` gives
 * `x-y` and `z`).
 */
export class GlobSegment {
  private constructor(
    private readonly chunks: readonly Chunk[],
    /** Per star, left to right: the variable it fills, or null for a bare `*`. */
    private readonly names: readonly (string | null)[],
  ) {}

  /** The glob form of `text`, or null when it holds a `{name:regex}` (a RegExp's job). */
  static compile(text: string): GlobSegment | null {
    const chunks: Chunk[] = [];
    const names: (string | null)[] = [];
    let pieces: (string | number)[] = [];
    let literal = '';
    const flush = (): void => {
      if (literal !== '') pieces.push(literal);
      literal = '';
    };
    const star = (name: string | null): void => {
      flush();
      chunks.push(chunk(pieces));
      pieces = [];
      names.push(name);
    };
    for (let i = 0; i < text.length; i++) {
      const c = text[i];
      const end = c === '{' ? closingBrace(text, i) : -1;
      if (c === '*') star(null);
      else if (c === '?') {
        flush();
        const last = pieces.length - 1;
        if (typeof pieces[last] === 'number') pieces[last] = (pieces[last] as number) + 1;
        else pieces.push(1);
      } else if (end < 0) literal += c;
      else {
        const body = text.slice(i + 1, end);
        if (body.includes(':')) return null;
        star(body);
        i = end;
      }
    }
    flush();
    chunks.push(chunk(pieces));
    return new GlobSegment(chunks, names);
  }

  /** Whether `part` matches; on a match, fills `vars` (when given) with the `{name}` values. */
  matches(part: string, vars: Record<string, string> | null): boolean {
    const chunks = this.chunks;
    const n = part.length;
    const first = chunks[0];
    if (chunks.length === 1) return n === first.length && chunkAt(first, part, 0);
    const last = chunks[chunks.length - 1];
    if (first.length + last.length > n || !chunkAt(first, part, 0) || !chunkAt(last, part, n - last.length)) return false;
    const lo = first.length;
    let hi = n - last.length;
    // ends[j]: where star j stops (the start of the chunk after it).
    const ends = vars === null ? null : new Array<number>(this.names.length);
    if (ends) ends[ends.length - 1] = hi;
    for (let i = chunks.length - 2; i >= 1; i--) {
      const at = rightmost(chunks[i], part, lo, hi - chunks[i].length);
      if (at < 0) return false;
      hi = at;
      if (ends) ends[i - 1] = at;
    }
    if (ends && vars) {
      let start = lo;
      for (let j = 0; j < ends.length; j++) {
        const name = this.names[j];
        if (name !== null) vars[name] = part.slice(start, ends[j]);
        start = ends[j] + chunks[j + 1].length;
      }
    }
    return true;
  }
}
