import { StompProtocolError } from '../errors/protocol.error.js';
import type { StompFrame } from '../../interfaces/stomp-frame.interface.js';
import { heldFrameBytes } from './frame.bytes.js';
import { required } from './frame.headers.js';
import { CLIENT_MESSAGES } from '../stomp.messages.js';

/** How much one session's open transactions may hold. */
export interface TransactionLimits {
  maxTransactionsPerSession: number;
  maxFramesPerTransaction: number;
  /** Bytes (bodies and headers) of every open transaction of the session together. */
  transactionBytesLimit: number;
}

interface OpenTransaction {
  frames: StompFrame[];
  bytes: number;
}

/**
 * The SEND, ACK and NACK frames of a session's open transactions, held until COMMIT (or dropped on ABORT).
 * Bounded in count and in bytes: without the byte bound, 16 transactions of 1,000 frames of
 * 64 KiB let one session hold 1 GiB.
 */
export class TransactionBuffer {
  private readonly open = new Map<string, OpenTransaction>();
  private bytes = 0;

  constructor(private readonly limits: TransactionLimits) {}

  /** BEGIN, COMMIT, ABORT, or a SEND, ACK or NACK inside a transaction; COMMIT hands the frames to `send`, one at a time, in order. */
  handle(frame: StompFrame, send?: (frame: StompFrame) => void | Promise<void>): Promise<void> | void {
    const transaction = required(frame, 'transaction');
    if (frame.command === 'BEGIN') return this.begin(transaction);
    if (frame.command === 'SEND' || frame.command === 'ACK' || frame.command === 'NACK') return this.add(transaction, frame);
    const frames = this.take(transaction);
    if (frame.command === 'COMMIT' && send) return sendAll(frames, send);
  }

  begin(transaction: string): void {
    if (this.open.has(transaction)) {
      throw new StompProtocolError('DUPLICATE_TRANSACTION', CLIENT_MESSAGES.transactionBegun(transaction));
    }
    if (this.open.size >= this.limits.maxTransactionsPerSession) {
      throw new StompProtocolError('TOO_MANY_TRANSACTIONS', CLIENT_MESSAGES.tooManyTransactions(this.limits.maxTransactionsPerSession));
    }
    this.open.set(transaction, { frames: [], bytes: 0 });
  }

  add(transaction: string, frame: StompFrame): void {
    const open = this.get(transaction);
    if (open.frames.length >= this.limits.maxFramesPerTransaction) {
      throw new StompProtocolError('TRANSACTION_TOO_LARGE', CLIENT_MESSAGES.transactionFrames(this.limits.maxFramesPerTransaction));
    }
    const size = heldFrameBytes(frame);
    if (this.bytes + size > this.limits.transactionBytesLimit) {
      throw new StompProtocolError('TRANSACTION_TOO_LARGE', CLIENT_MESSAGES.transactionBytes(this.limits.transactionBytesLimit));
    }
    open.frames.push(frame);
    open.bytes += size;
    this.bytes += size;
  }

  /** Ends the transaction and hands back its frames. */
  take(transaction: string): StompFrame[] {
    const open = this.get(transaction);
    this.open.delete(transaction);
    this.bytes -= open.bytes;
    return open.frames;
  }

  private get(transaction: string): OpenTransaction {
    const open = this.open.get(transaction);
    if (!open) throw new StompProtocolError('UNKNOWN_TRANSACTION', CLIENT_MESSAGES.unknownTransaction(transaction));
    return open;
  }
}

async function sendAll(frames: StompFrame[], send: (frame: StompFrame) => void | Promise<void>): Promise<void> {
  for (const frame of frames) await send(frame);
}
