import { describe, expect, it } from '@jest/globals';
import { StompException } from '../../../lib/engine/errors/stomp.exception.js';
import { resolvePayload } from '../../../lib/nest/handlers/payload.resolver.js';

const body = (text: string) => Buffer.from(text, 'utf8');

describe('resolvePayload', () => {
  it('parses JSON content types, parameters and +json suffixes included', () => {
    expect(resolvePayload(body('{"a":1}'), 'application/json')).toEqual({ a: 1 });
    expect(resolvePayload(body('[1]'), 'Application/JSON; charset=utf-8')).toEqual([1]);
    expect(resolvePayload(body('"x"'), 'application/vnd.api+json')).toBe('x');
    expect(resolvePayload(body('3'), 'application/json')).toBe(3);
    expect(resolvePayload(body(''), 'application/json')).toBeUndefined();
  });

  it('refuses malformed JSON with a client-safe StompException', () => {
    expect(() => resolvePayload(body('{oops'), 'application/json')).toThrow(new StompException('Malformed JSON payload'));
  });

  it('keeps text as a string and anything else as a Buffer', () => {
    expect(resolvePayload(body('{"a":1}'), 'text/plain;charset=UTF-8')).toBe('{"a":1}');
    expect(resolvePayload(body('héllo'), 'text/html')).toBe('héllo');
    const bytes = Buffer.from([0, 1, 2]);
    expect(resolvePayload(bytes, 'application/octet-stream')).toBe(bytes);
    expect(resolvePayload(bytes, 'image/png')).toBe(bytes);
  });

  it('without a content type, takes JSON objects and arrays and leaves everything else a string', () => {
    expect(resolvePayload(body(' {"a":1}'), undefined)).toEqual({ a: 1 });
    expect(resolvePayload(body('[1,2]'), '')).toEqual([1, 2]);
    expect(resolvePayload(body('42'), undefined)).toBe('42');
    expect(resolvePayload(body('"quoted"'), undefined)).toBe('"quoted"');
    expect(resolvePayload(body('{not json'), undefined)).toBe('{not json');
    expect(resolvePayload(body(''), undefined)).toBe('');
  });
});
