import { describe, expect, it } from '@jest/globals';
import { StompProtocolError } from '../../../lib/engine/errors/protocol.error.js';
import type { StompFrame } from '../../../lib/interfaces/stomp-frame.interface.js';
import { TransactionBuffer } from '../../../lib/engine/session/transaction.buffer.js';

const send = (body: string): StompFrame => ({ command: 'SEND', headers: { destination: '/q' }, body: Buffer.from(body) });
// 'destination' + '/q' + 2 = 15 bytes of headers on every frame.
const HEADER_BYTES = 15;

function codeOf(action: () => unknown): string | undefined {
  try {
    action();
  } catch (error) {
    return error instanceof StompProtocolError ? error.code : 'not a StompProtocolError';
  }
  return undefined;
}

describe('TransactionBuffer', () => {
  const limits = { maxTransactionsPerSession: 2, maxFramesPerTransaction: 2, transactionBytesLimit: 2 * (100 + HEADER_BYTES) };

  it('refuses a transaction over maxTransactionsPerSession with TOO_MANY_TRANSACTIONS, a reused id with DUPLICATE_TRANSACTION', () => {
    const buffer = new TransactionBuffer(limits);
    buffer.begin('a');
    expect(codeOf(() => buffer.begin('a'))).toBe('DUPLICATE_TRANSACTION');
    buffer.begin('b');
    expect(codeOf(() => buffer.begin('c'))).toBe('TOO_MANY_TRANSACTIONS');
    buffer.take('a');
    expect(codeOf(() => buffer.begin('c'))).toBeUndefined();
  });

  it('refuses a frame over maxFramesPerTransaction with TRANSACTION_TOO_LARGE', () => {
    const buffer = new TransactionBuffer({ ...limits, transactionBytesLimit: 1e6 });
    buffer.begin('a');
    buffer.add('a', send('1'));
    buffer.add('a', send('2'));
    expect(codeOf(() => buffer.add('a', send('3')))).toBe('TRANSACTION_TOO_LARGE');
  });

  it('bounds the bytes of all open transactions together, and gives them back on COMMIT/ABORT', () => {
    const buffer = new TransactionBuffer(limits);
    buffer.begin('a');
    buffer.begin('b');
    buffer.add('a', send('x'.repeat(100)));
    buffer.add('b', send('y'.repeat(100)));
    expect(codeOf(() => buffer.add('b', send('z')))).toBe('TRANSACTION_TOO_LARGE');
    expect(buffer.take('a').map((f) => f.body.length)).toEqual([100]);
    expect(codeOf(() => buffer.add('b', send('z'.repeat(100))))).toBeUndefined();
  });

  it('refuses frames for a transaction never begun with UNKNOWN_TRANSACTION', () => {
    expect(codeOf(() => new TransactionBuffer(limits).add('nope', send('x')))).toBe('UNKNOWN_TRANSACTION');
  });
});
