import { describe, expect, it } from '@jest/globals';
import { StompProtocolError } from '../../../lib/engine/errors/protocol.error.js';
import { negotiateVersion, SUPPORTED_VERSIONS } from '../../../lib/engine/protocol/version.negotiator.js';

describe('negotiateVersion', () => {
  it('lists the supported versions newest first', () => {
    expect(SUPPORTED_VERSIONS).toEqual(['1.2', '1.1', '1.0']);
  });

  it('treats an absent accept-version as a 1.0 client', () => {
    expect(negotiateVersion(undefined)).toBe('1.0');
  });

  it.each([
    ['1.0,1.1,1.2', '1.2'],
    ['1.2,1.1,1.0', '1.2'],
    ['1.1,1.0', '1.1'],
    ['1.0', '1.0'],
    ['1.1', '1.1'],
    [' 1.0 , 1.1 ', '1.1'],
    ['2.0,1.1', '1.1'],
    ['1.2,,', '1.2'],
  ])('picks the highest common version of %j', (header, expected) => {
    expect(negotiateVersion(header)).toBe(expected);
  });

  it.each(['2.0', '', '1.3,0.9', '1.2.0', 'v1.2'])('rejects %j with UNSUPPORTED_VERSION and a version header', (header) => {
    let thrown: unknown;
    try {
      negotiateVersion(header);
    } catch (err) {
      thrown = err;
    }
    expect(thrown).toBeInstanceOf(StompProtocolError);
    const error = thrown as StompProtocolError;
    expect(error.code).toBe('UNSUPPORTED_VERSION');
    expect(error.message).toBe('Supported protocol versions are 1.0,1.1,1.2');
    expect(error.headers).toEqual({ version: '1.0,1.1,1.2' });
  });
});
