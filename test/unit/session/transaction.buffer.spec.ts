import { describe, expect, it } from '@jest/globals';
import { StompProtocolError } from '../../../lib/engine/errors/protocol.error.js';
import type { StompCommand, StompFrame } from '../../../lib/interfaces/stomp-frame.interface.js';
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
  it('holds ACK and NACK with the SENDs and hands them over at COMMIT, in order; ABORT drops them', async () => {
    const buffer = new TransactionBuffer({ ...limits, maxFramesPerTransaction: 10, transactionBytesLimit: 1e6 });
    const frame = (command: StompCommand, transaction: string, id: string): StompFrame => ({
      command,
      headers: { transaction, id },
      body: Buffer.alloc(0),
    });
    const handed: string[] = [];
    const record = (f: StompFrame): void => void handed.push(`${f.command}:${f.headers.id ?? ''}`);
    for (const t of ['kept', 'dropped']) buffer.handle(frame('BEGIN', t, ''));
    buffer.handle(frame('ACK', 'kept', '1'));
    buffer.handle({ ...send('x'), headers: { destination: '/q', transaction: 'kept' } });
    buffer.handle(frame('NACK', 'kept', '2'));
    buffer.handle(frame('ACK', 'dropped', '3'));
    await buffer.handle(frame('ABORT', 'dropped', ''), record);
    await buffer.handle(frame('COMMIT', 'kept', ''), record);
    expect(handed).toEqual(['ACK:1', 'SEND:', 'NACK:2']);
  });
});
