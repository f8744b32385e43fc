/**
 * Resume after reconnect for `@stomp/stompjs`'s `Client`, over a server with `history` (see the README's
 * Delivery guarantees): each subscription made here remembers the `x-stream-offset` and `x-stream-epoch` of
 * the last MESSAGE it handed on, and after every reconnect subscribes again from there, so the callback
 * sees every message once, in order, or hears of a gap through `onGap`.
 *
 * With a Client that watches receipts (stompjs does), the resume asks again for the last message handed
 * on, with a `receipt`: that message coming back confirms the epoch (it is not handed on twice), and a
 * RECEIPT with nothing before it and nothing within `receiptGraceMs` after it means the history it belonged
 * to is gone (a restarted server that has published nothing yet), which is reported then instead of with the
 * next message, however late. The grace is for the relay, whose RECEIPT (RabbitMQ has the subscription) can
 * come before the replay. Whatever the server does, a message at or before the last offset handed on, in the
 * same epoch, is never handed on again.
 *
 * No import at all, not even of @stomp/stompjs: the page loads this file as an ES module beside the
 * stompjs bundle it already has, and Node code passes its own Client. The types below are the parts of
 * Client this file touches, so any stompjs 7 Client (and a look-alike) fits.
 */

export type StreamHeaders = Record<string, string>;

/** The parts of a stompjs `IMessage` used here. */
export interface ResumableMessage {
  headers: StreamHeaders;
  body: string;
}

/** The parts of a stompjs `Client` used here. */
export interface ResumableClient {
  readonly connected: boolean;
  onConnect: (frame: never) => void;
  subscribe(
    destination: string,
    callback: (message: ResumableMessage) => void,
    headers?: StreamHeaders,
  ): { id: string; unsubscribe(): void };
  /** Optional: without it, a gap on a restarted server is heard of with its next message only. */
  watchForReceipt?(receiptId: string, callback: (frame: never) => void): void;
}

export interface StreamGap {
  destination: string;
  /** How many messages were lost, or 'unknown' (the server's history started anew: a restart, a new epoch). */
  missed: number | 'unknown';
  /**
   * The MESSAGE that carried `x-stream-gap`; the subscription's callback gets it right after onGap returns.
   * Undefined when the RECEIPT of the resuming SUBSCRIBE told it (nothing kept from the old epoch, nothing new
   * yet): the next message's `x-stream-gap` is then the same gap and is not reported again.
   */
  message?: ResumableMessage;
}

export interface ResumableOptions {
  /** Called before the callback with the first message after a gap: the place to reload state. */
  onGap?: (gap: StreamGap) => void;
  /** How long after the RECEIPT of a resume the confirming message may still come (through the relay). Default 1000 ms. */
  receiptGraceMs?: number;
}

export interface ResumableSubscription {
  readonly destination: string;
  /** The offset and epoch of the last message handed to the callback, undefined before the first. */
  readonly position: { offset: number; epoch: string } | undefined;
  unsubscribe(): void;
}

export interface ResumableSubscriptions {
  /**
   * Subscribes now if connected, else on the next connect, and again after every reconnect. Call it once
   * per subscription, not in `onConnect`: the re-subscribing is done here.
   */
  subscribe<M extends ResumableMessage>(
    destination: string,
    callback: (message: M) => void,
    headers?: StreamHeaders,
  ): ResumableSubscription;
}

const OFFSET = 'x-stream-offset';
const EPOCH = 'x-stream-epoch';
const GAP = 'x-stream-gap';

interface Entry {
  destination: string;
  headers: StreamHeaders;
  callback: (message: ResumableMessage) => void;
  position: { offset: number; epoch: string } | undefined;
  current: { unsubscribe(): void } | undefined;
  /** The position a resume asked for again, until the first message after it. */
  resumedFrom: { offset: number; epoch: string } | undefined;
  /** A gap the RECEIPT told: the `x-stream-gap` of the next message is that one. */
  gapTold: boolean;
  /** Subscriptions made so far: a RECEIPT's late verdict counts only for the latest. */
  opened: number;
}

/** Wraps `client` (one wrapper per Client); the user's own `onConnect` keeps working, set before or after. */
export function resumableSubscriptions(client: ResumableClient, options: ResumableOptions = {}): ResumableSubscriptions {
  const entries = new Set<Entry>();
  let receipts = 0;

  const deliver = (entry: Entry, message: ResumableMessage): void => {
    const offset = Number(message.headers[OFFSET]);
    const epoch = message.headers[EPOCH];
    const gap = message.headers[GAP];
    const resumed = entry.resumedFrom;
    const told = entry.gapTold;
    entry.resumedFrom = undefined;
    entry.gapTold = false;
    // The message handed on before the connection dropped, asked for again to confirm the epoch; or one a
    // replay brings again (the relay's RECEIPT came first): handed on once only.
    const last = entry.position;
    if (gap === undefined && last && epoch === last.epoch && offset <= last.offset && message.headers.destination === entry.destination)
      return;
    // A pattern subscription mixes destinations with offsets of their own: it cannot resume, so it keeps no position.
    if (Number.isInteger(offset) && epoch !== undefined && message.headers.destination === entry.destination) {
      entry.position = { offset, epoch };
    }
    let missed: StreamGap['missed'] | undefined =
      gap === 'unknown' ? (told ? undefined : 'unknown') : gap === undefined ? undefined : Number(gap);
    // Asked from the last offset handed on, the server counts that one among the lost.
    if (resumed && typeof missed === 'number' && epoch === resumed.epoch) missed = missed > 1 ? missed - 1 : undefined;
    if (missed !== undefined) options.onGap?.({ destination: entry.destination, missed, message });
    entry.callback(message);
  };

  const open = (entry: Entry): void => {
    const headers = { ...entry.headers };
    const position = entry.position;
    const opened = ++entry.opened;
    entry.resumedFrom = undefined;
    entry.gapTold = false;
    if (position && client.watchForReceipt && headers.receipt === undefined) {
      const receipt = `resume-${++receipts}`;
      Object.assign(headers, { [OFFSET]: String(position.offset), [EPOCH]: position.epoch, receipt });
      entry.resumedFrom = position;
      const gone = (): void => {
        // Anything at all before it (the confirming message, a gap) has cleared resumedFrom.
        if (entry.opened !== opened || entry.resumedFrom !== position || !entries.has(entry)) return;
        entry.resumedFrom = undefined;
        entry.gapTold = true;
        options.onGap?.({ destination: entry.destination, missed: 'unknown' });
      };
      client.watchForReceipt(receipt, () => setTimeout(gone, options.receiptGraceMs ?? 1000));
    } else if (position) {
      Object.assign(headers, { [OFFSET]: String(position.offset + 1), [EPOCH]: position.epoch });
    }
    entry.current = client.subscribe(entry.destination, (message) => deliver(entry, message), headers);
  };

  // stompjs calls `this.onConnect(frame)` on every CONNECTED: an accessor on the instance puts the
  // re-subscribing in front of whatever handler the user sets, now or later (also through configure()).
  let userOnConnect = client.onConnect;
  Object.defineProperty(client, 'onConnect', {
    configurable: true,
    enumerable: true,
    get: () => (frame: never) => {
      for (const entry of entries) open(entry);
      userOnConnect?.call(client, frame);
    },
    set: (handler: (frame: never) => void) => {
      userOnConnect = handler;
    },
  });

  return {
    subscribe: (destination, callback, headers = {}) => {
      const entry: Entry = {
        destination,
        headers: { ...headers },
        callback: callback as (m: ResumableMessage) => void,
        position: undefined,
        current: undefined,
        resumedFrom: undefined,
        gapTold: false,
        opened: 0,
      };
      entries.add(entry);
      if (client.connected) open(entry);
      return {
        destination,
        get position() {
          return entry.position;
        },
        unsubscribe: () => {
          entries.delete(entry);
          if (client.connected) entry.current?.unsubscribe();
          entry.current = undefined;
        },
      };
    },
  };
}
