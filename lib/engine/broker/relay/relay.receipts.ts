import { StompProtocolError } from '../../errors/protocol.error.js';
import { CLIENT_MESSAGES } from '../../stomp.messages.js';

/** What to do once the broker has answered a frame we sent with a `receipt`: nothing given means confirmed. */
type Settle = (error?: StompProtocolError) => void;

interface Waiter {
  settle: Settle;
  /** True for subscriptions: they are made again on reconnection, so a lost connection says nothing about them yet. */
  survivesDrop: boolean;
  /** When it was sent (Date.now()): a broker that never answers is seen by the age of the oldest waiter. */
  since: number;
}

export function brokerUnavailable(): StompProtocolError {
  return new StompProtocolError('BROKER_UNAVAILABLE', CLIENT_MESSAGES.brokerUnavailable);
}

function brokerRefused(): StompProtocolError {
  return new StompProtocolError('BROKER_REFUSED', CLIENT_MESSAGES.brokerRefused);
}

/**
 * The relay's frames that wait for the broker's RECEIPT. RabbitMQ answers a refused frame with an
 * ERROR that names no receipt, and answers SEND receipts only after its publisher confirm (so out
 * of order with SUBSCRIBE receipts): an ERROR cannot be pinned on one frame, and none that is still
 * waiting may be confirmed after it. Header checks before sending keep such ERRORs for the unforeseen.
 */
export class RelayReceipts {
  private readonly waiting = new Map<string, Waiter>();
  private next = 0;

  /** A fresh receipt id, settled by the broker's RECEIPT, an ERROR, or the end of the connection. */
  expect(settle: Settle, survivesDrop: boolean): string {
    const receipt = `r${++this.next}`;
    this.waiting.set(receipt, { settle, survivesDrop, since: Date.now() });
    return receipt;
  }

  /** A receipt whose frame could not be written after all. */
  forget(receipt: string): void {
    this.waiting.delete(receipt);
  }

  /** Like expect, as a promise: resolves on the RECEIPT, rejects on an ERROR or a lost connection. */
  confirmation(): { receipt: string; confirmed: Promise<void> } {
    let receipt = '';
    const confirmed = new Promise<void>((resolve, reject) => {
      receipt = this.expect((error) => (error ? reject(error) : resolve()), false);
    });
    return { receipt, confirmed };
  }

  /** How long the oldest frame still waiting has waited, in ms; 0 when none waits. Insertion order is age order. */
  oldestWaitMs(): number {
    for (const waiter of this.waiting.values()) return Date.now() - waiter.since;
    return 0;
  }

  received(receiptId: string): void {
    const waiter = this.waiting.get(receiptId);
    if (!waiter) return;
    this.waiting.delete(receiptId);
    waiter.settle();
  }

  /**
   * The broker sent an ERROR: every frame still waiting may be the one it refused. With `keepSubscriptions`,
   * subscriptions wait on: the connection is about to be made again, and they with it.
   */
  refused(keepSubscriptions = false): void {
    this.settleAll((waiter) => !keepSubscriptions || !waiter.survivesDrop, brokerRefused());
  }

  /** The connection is gone: a SEND not yet confirmed never will be; subscriptions wait for the next connection. */
  dropped(): void {
    this.settleAll((waiter) => !waiter.survivesDrop, brokerUnavailable());
    this.waiting.clear();
  }

  private settleAll(which: (waiter: Waiter) => boolean, error: StompProtocolError): void {
    for (const [receipt, waiter] of [...this.waiting]) {
      if (!which(waiter)) continue;
      this.waiting.delete(receipt);
      waiter.settle(error);
    }
  }
}
