import { StompProtocolError, clipForError } from '../errors/protocol.error.js';
import type { StompFrame } from '../protocol/frame.model.js';

/** The SEND frames of a session's open transactions, held until COMMIT (or dropped on ABORT). */
export class TransactionBuffer {
  private readonly open = new Map<string, StompFrame[]>();

  constructor(
    private readonly maxTransactions: number,
    private readonly maxFramesPerTransaction: number,
  ) {}

  begin(transaction: string): void {
    if (this.open.has(transaction)) {
      throw new StompProtocolError('DUPLICATE_TRANSACTION', `Transaction '${clipForError(transaction)}' has already begun`);
    }
    if (this.open.size >= this.maxTransactions) {
      throw new StompProtocolError('DUPLICATE_TRANSACTION', `At most ${this.maxTransactions} open transactions per session`);
    }
    this.open.set(transaction, []);
  }

  add(transaction: string, frame: StompFrame): void {
    const frames = this.frames(transaction);
    if (frames.length >= this.maxFramesPerTransaction) {
      throw new StompProtocolError('FRAME_TOO_LARGE', `A transaction holds at most ${this.maxFramesPerTransaction} frames`);
    }
    frames.push(frame);
  }

  /** Ends the transaction and hands back its frames. */
  take(transaction: string): StompFrame[] {
    const frames = this.frames(transaction);
    this.open.delete(transaction);
    return frames;
  }

  clear(): void {
    this.open.clear();
  }

  private frames(transaction: string): StompFrame[] {
    const frames = this.open.get(transaction);
    if (!frames) throw new StompProtocolError('UNKNOWN_TRANSACTION', `Unknown transaction '${clipForError(transaction)}'`);
    return frames;
  }
}
