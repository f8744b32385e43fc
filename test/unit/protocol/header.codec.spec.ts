import { describe, expect, it } from '@jest/globals';
import { StompProtocolError } from '../../../lib/engine/errors/protocol.error.js';
import type { StompVersion } from '../../../lib/interfaces/stomp-frame.interface.js';
import { commandIsEscapeExempt, escapeHeaderValue, unescapeHeaderValue } from '../../../lib/engine/protocol/header.codec.js';

function codeOf(fn: () => unknown): string | undefined {
  try {
    fn();
  } catch (err) {
    return err instanceof StompProtocolError ? err.code : `not a protocol error: ${String(err)}`;
  }
  return undefined;
}

/** Deterministic PRNG so a failing case is reproducible. */
function prng(seed: number): () => number {
  let state = seed;
  return () => {
    state = (state * 1103515245 + 12345) & 0x7fffffff;
    return state / 0x80000000;
  };
}

const TRICKY = [
  '',
  'plain',
  ':',
  '\\',
  '\n',
  '\r',
  '\r\n',
  '\\n',
  '\\c',
  '\\\\',
  'a:b:c',
  'trailing\\',
  '\\\\n',
  'line1\nline2',
  'héllo wörld',
  '😀:😀\\😀',
  '日本語\r\n:\\',
  '::\n\n\\\\::',
];

function randomTricky(count: number): string[] {
  const alphabet = ['\\', ':', '\n', '\r', 'a', 'c', 'n', 'r', 'é', '😀', ' '];
  const rand = prng(42);
  const out: string[] = [];
  for (let i = 0; i < count; i++) {
    let s = '';
    const length = Math.floor(rand() * 12);
    for (let j = 0; j < length; j++) s += alphabet[Math.floor(rand() * alphabet.length)];
    out.push(s);
  }
  return out;
}

describe('escapeHeaderValue', () => {
  it('leaves every character alone for 1.0', () => {
    for (const s of TRICKY) expect(escapeHeaderValue(s, '1.0')).toBe(s);
  });

  it('escapes backslash, LF and colon for 1.1 but leaves CR raw', () => {
    expect(escapeHeaderValue('a\\b\nc:d\re', '1.1')).toBe('a\\\\b\\nc\\cd\re');
  });

  it('also escapes CR for 1.2', () => {
    expect(escapeHeaderValue('a\\b\nc:d\re', '1.2')).toBe('a\\\\b\\nc\\cd\\re');
  });

  it('returns strings without special characters unchanged', () => {
    expect(escapeHeaderValue('/topic/chat.room-1 é', '1.2')).toBe('/topic/chat.room-1 é');
    expect(escapeHeaderValue('', '1.1')).toBe('');
  });

  it('produces no raw LF or colon (and for 1.2 no raw CR)', () => {
    for (const s of [...TRICKY, ...randomTricky(300)]) {
      expect(escapeHeaderValue(s, '1.1')).not.toMatch(/[\n:]/);
      expect(escapeHeaderValue(s, '1.2')).not.toMatch(/[\r\n:]/);
    }
  });
});

describe('unescapeHeaderValue', () => {
  it.each<[StompVersion]>([['1.0'], ['1.1'], ['1.2']])('round-trips tricky strings for %s', (version) => {
    for (const s of [...TRICKY, ...randomTricky(500)]) {
      expect(unescapeHeaderValue(escapeHeaderValue(s, version), version)).toBe(s);
    }
  });

  it('decodes in one pass, so an escaped backslash followed by n stays two characters', () => {
    expect(unescapeHeaderValue('\\\\n', '1.2')).toBe('\\n');
    expect(unescapeHeaderValue('\\\\c\\c', '1.1')).toBe('\\c:');
  });

  it('decodes each known escape', () => {
    expect(unescapeHeaderValue('a\\nb\\cc\\\\d\\re', '1.2')).toBe('a\nb:c\\d\re');
    expect(unescapeHeaderValue('a\\nb\\cc\\\\d', '1.1')).toBe('a\nb:c\\d');
  });

  it('rejects \\r under 1.1, which has no such escape', () => {
    expect(codeOf(() => unescapeHeaderValue('a\\rb', '1.1'))).toBe('BAD_ESCAPE');
  });

  it.each(['\\t', 'a\\qb', '\\x41', '\\ ', '\\C', '\\N', 'trailing\\', '\\', 'ok\\\\\\'])('rejects %j with BAD_ESCAPE', (raw) => {
    expect(codeOf(() => unescapeHeaderValue(raw, '1.2'))).toBe('BAD_ESCAPE');
    expect(codeOf(() => unescapeHeaderValue(raw, '1.1'))).toBe('BAD_ESCAPE');
  });

  it('caps the echoed value in the error message', () => {
    const raw = `${'x'.repeat(10_000)}\\q`;
    try {
      unescapeHeaderValue(raw, '1.2');
      throw new Error('expected BAD_ESCAPE');
    } catch (err) {
      expect(err).toBeInstanceOf(StompProtocolError);
      expect((err as StompProtocolError).message).toMatch(/^Invalid escape sequence in header: x+\.\.\.$/);
      expect((err as StompProtocolError).message.length).toBeLessThan(100);
    }
  });

  it('leaves everything verbatim for 1.0, including unknown escapes', () => {
    for (const raw of ['a\\qb', 'trailing\\', '\\n\\c']) expect(unescapeHeaderValue(raw, '1.0')).toBe(raw);
  });
});

describe('commandIsEscapeExempt', () => {
  it('is true only for CONNECT, STOMP and CONNECTED', () => {
    for (const c of ['CONNECT', 'STOMP', 'CONNECTED']) expect(commandIsEscapeExempt(c)).toBe(true);
    for (const c of ['SEND', 'MESSAGE', 'SUBSCRIBE', 'ERROR', 'RECEIPT', 'connect', 'DISCONNECT']) {
      expect(commandIsEscapeExempt(c)).toBe(false);
    }
  });
});
