import { StompProtocolError } from '../../errors/protocol.error.js';
import type { BrokerMessage } from '../../../interfaces/message-broker.interface.js';
import type { StompHistoryRule } from '../../../interfaces/stomp-options.interface.js';
import type { StompHeaders } from '../../../interfaces/stomp-frame.interface.js';
import type { AckMode } from '../../../interfaces/stomp-session.interface.js';
import type { CompiledPattern, DestinationMatcher } from '../../broker/destination.matcher.js';
import type { StompSession } from '../../session/stomp.session.js';
import type { DestinationStage, PublishNext, StageAttachment } from '../destination.stage.js';
import { HistoryStore, type Clock } from './history.store.js';
import { ReplayCursor, type CursorStart } from './replay.cursor.js';
import { resumeRequestOf, STREAM_HEADERS, type ResumeRequest } from './resume.request.js';
import { CLIENT_MESSAGES } from '../../stomp.messages.js';

export interface HistoryStageOptions {
  rules: readonly StompHistoryRule[];
  bytesLimit: number;
  /** What a replay may leave waiting for a client (besides one frame) before it waits for the connection to drain. */
  replayBufferBytes: number;
  clock?: Clock;
}

/**
 * History and resume (issue 10): each destination a rule claims keeps its last messages, every
 * MESSAGE there carries `x-stream-offset` and `x-stream-epoch`, and a SUBSCRIBE with
 * `x-stream-offset` gets the kept ones first, then the live ones. In-process: the history is this
 * process's, so with the relay the stage is not made (RabbitMQ streams keep it: broker/relay/relay.streams.ts).
 */
export class HistoryStage implements DestinationStage {
  readonly store: HistoryStore;
  private readonly rules: Array<{ pattern: CompiledPattern; rule: StompHistoryRule }>;
  /** Destinations already matched against the rules (bounded as the broker's cache). */
  private readonly claimed = new Map<string, StompHistoryRule | null>();

  constructor(
    matcher: DestinationMatcher,
    private readonly options: HistoryStageOptions,
    private readonly cacheLimit = 1024,
  ) {
    this.store = new HistoryStore(options.bytesLimit, options.clock);
    this.rules = options.rules.map((rule) => ({ pattern: matcher.compile(rule.destination), rule }));
    this.isPattern = (destination) => matcher.isPattern(destination);
  }

  private readonly isPattern: (destination: string) => boolean;

  claims(destination: string): boolean {
    return this.ruleFor(destination) !== undefined;
  }

  publish(message: BrokerMessage, next: PublishNext): number | Promise<number> {
    const rule = this.ruleFor(message.destination)!;
    const { entry } = this.store.append(message.destination, rule, message.headers, message.body);
    const { destination: _destination, ...headers } = entry.headers;
    return next({ ...message, headers });
  }

  attach(
    session: StompSession,
    subscriptionId: string,
    destination: string,
    ackMode: AckMode,
    headers: StompHeaders,
  ): StageAttachment | undefined {
    const request = resumeRequestOf(headers);
    if (request.from === 'next') return undefined;
    if (this.isPattern(destination)) {
      throw new StompProtocolError('MALFORMED_HEADER', CLIENT_MESSAGES.offsetOnPattern(STREAM_HEADERS.offset, destination));
    }
    // A destination without history has nothing to replay: the subscription is live only, as with `next`.
    if (!this.claims(destination)) return undefined;
    const start = this.startOf(destination, request);
    if (!start) return undefined;
    const cursor = new ReplayCursor(session, subscriptionId, destination, ackMode, this.store, start, this.options.replayBufferBytes);
    return { subscriber: cursor, start: () => cursor.start() };
  }

  private startOf(destination: string, request: Exclude<ResumeRequest, { from: 'next' }>): CursorStart | undefined {
    const history = this.store.current(destination);
    if (request.from === 'offset' && request.epoch !== undefined && request.epoch !== history?.epoch) {
      // Not this history's epoch (a restart, or everything it held went): start at its oldest, lost count unknown.
      return { epoch: request.epoch, offset: 0, gap: 'unknown' };
    }
    if (!history) return undefined;
    const { epoch, oldestOffset, nextOffset } = history;
    if (request.from === 'first') return { epoch, offset: oldestOffset };
    if (request.from === 'last') return { epoch, offset: Math.max(oldestOffset, nextOffset - 1) };
    // An offset beyond the newest is live only; one older than kept is told as a gap by the cursor.
    return { epoch, offset: Math.min(request.offset, nextOffset) };
  }

  private ruleFor(destination: string): StompHistoryRule | undefined {
    let rule = this.claimed.get(destination);
    if (rule === undefined) {
      rule = this.rules.find((r) => r.pattern.test(destination))?.rule ?? null;
      if (this.claimed.size >= this.cacheLimit) this.claimed.delete(this.claimed.keys().next().value!);
      this.claimed.set(destination, rule);
    }
    return rule ?? undefined;
  }
}
