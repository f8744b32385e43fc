import type { AckMode } from '../../../interfaces/stomp-session.interface.js';
import type { BrokerSubscriber, OutboundMessage } from '../../../interfaces/message-broker.interface.js';
import { MessageFrameTemplate } from '../../protocol/frame.serializer.js';
import type { StompSession } from '../../session/stomp.session.js';
import type { HistoryEntry, HistoryStore } from './history.store.js';
import { STREAM_HEADERS } from './resume.request.js';

/** Where one resuming subscription stands: the next offset it needs, in which epoch (undefined: whatever is current). */
export interface CursorStart {
  epoch: string | undefined;
  offset: number;
  /** Messages lost before the start (a number, or 'unknown' after a stale epoch), told on the first message sent. */
  gap?: number | 'unknown';
}

/**
 * Stands between the broker and one session's subscription while it catches up. The broker keeps
 * delivering live messages to it; while replaying they are not sent, because every one of them is
 * already in the history (the stage keeps a message before the broker fans it out), so the replay
 * reaches it in offset order. Once the cursor is past the newest kept message it turns live, in the
 * same tick: no gap, no duplicate at the seam. The replay goes only as fast as the connection drains
 * (`replayBufferBytes` may wait for the client at most, besides one frame).
 */
export class ReplayCursor implements BrokerSubscriber {
  private live = false;
  private waiting = false;
  private epoch: string | undefined;
  private offset: number;
  private gap: number | 'unknown' | undefined;
  /** The newest offset kept when the SUBSCRIBE arrived: the SUBSCRIBE is done once it has been sent. */
  private target: number;
  private caughtUp: (() => void) | undefined;
  private readonly subscription: unknown;

  constructor(
    private readonly session: StompSession,
    private readonly subscriptionId: string,
    private readonly destination: string,
    private readonly ackMode: AckMode,
    private readonly store: HistoryStore,
    start: CursorStart,
    private readonly replayBufferBytes: number,
  ) {
    this.epoch = start.epoch;
    this.offset = start.offset;
    this.gap = start.gap;
    this.target = (store.current(destination)?.nextOffset ?? 0) - 1;
    // A later SUBSCRIBE may reuse the id: the cursor serves only the subscription it was made for.
    this.subscription = session.subscriptions.get(subscriptionId);
  }

  get id(): string {
    return this.session.id;
  }

  /** Starts the replay; resolves once everything kept when it began has been handed to the connection. */
  start(): void | Promise<void> {
    this.pump();
    if (this.live || this.offset > this.target) return;
    return new Promise((resolve) => (this.caughtUp = resolve));
  }

  deliver(message: OutboundMessage, subscriptionId: string, ackMode: AckMode): string | undefined {
    if (this.live) return this.session.deliver(message, subscriptionId, ackMode);
    // This message is the newest kept one: the replay sends it in its turn.
    this.pump();
    return undefined;
  }

  private pump(): void {
    while (!this.waiting) {
      if (this.ended()) return this.finish();
      const history = this.store.current(this.destination);
      if (!history) return this.goLiveIfNoGap();
      if (history.epoch !== this.epoch) {
        // The history started anew (or the client's epoch is not this one): from its oldest message.
        if (this.epoch !== undefined && this.gap === undefined) this.gap = 'unknown';
        this.epoch = history.epoch;
        this.offset = history.oldestOffset;
        this.target = history.nextOffset - 1;
      }
      if (this.offset >= history.nextOffset) return this.goLiveIfNoGap();
      if (this.offset < history.oldestOffset) {
        // Evicted while this client caught up (or older than kept): counted, then skipped.
        if (this.gap !== 'unknown') this.gap = (this.gap ?? 0) + history.oldestOffset - this.offset;
        this.offset = history.oldestOffset;
      }
      if (!this.hasRoom()) return this.waitForRoom();
      this.send(history.at(this.offset)!);
      this.offset++;
      if (this.offset > this.target) this.finish();
    }
  }

  private send(entry: HistoryEntry): void {
    let template = entry.template;
    if (this.gap !== undefined) {
      template = new MessageFrameTemplate({ ...entry.headers, [STREAM_HEADERS.gap]: String(this.gap) }, entry.body);
      this.gap = undefined;
    }
    this.session.deliver({ template }, this.subscriptionId, this.ackMode);
  }

  /** A gap still to tell waits for the next message, which the broker will bring. */
  private goLiveIfNoGap(): void {
    if (this.gap === undefined) this.live = true;
    this.finish();
  }

  private hasRoom(): boolean {
    const connection = this.session.connection;
    // A transport that cannot say when it drains takes the whole replay at once, under its own send rules.
    if (!connection.canSend || !connection.whenWritable) return true;
    return connection.canSend(this.replayBufferBytes);
  }

  private waitForRoom(): void {
    this.waiting = true;
    this.session.connection.whenWritable!(() => {
      this.waiting = false;
      this.pump();
    });
  }

  private ended(): boolean {
    return this.session.isClosed || this.session.subscriptions.get(this.subscriptionId) !== this.subscription;
  }

  private finish(): void {
    const caughtUp = this.caughtUp;
    this.caughtUp = undefined;
    caughtUp?.();
  }
}
