import { createHash } from 'node:crypto';
import type { StompFrame, StompHeaders } from '../../../interfaces/stomp-frame.interface.js';
import type { StompHistoryRule } from '../../../interfaces/stomp-options.interface.js';
import type { CompiledPattern, DestinationMatcher } from '../destination.matcher.js';
import { toOutboundMessage } from '../simple.broker.js';
import { resumeRequestOf, STREAM_HEADERS } from '../../outbound/history/resume.request.js';
import type { RelayDestinationMapper } from './destination.mapper.js';
import { consumerOf, RelayConsumers, type ConsumerKind, type ConsumerRequest, type RelayConsumer } from './relay.consumers.js';
import { withoutBrokerHeaders, withoutDeclarationHeaders } from './relay.headers.js';
import type { RelayReceipts } from './relay.receipts.js';
import type { StompTcpClient } from './stomp-tcp.client.js';

interface StreamReader extends RelayConsumer {
  /** RabbitMQ's `x-stream-offset` for the next broker SUBSCRIBE: the client's start, then after the last message it got. */
  start: string;
  /** The offset the next message should have (a resume): a later one means RabbitMQ no longer had those (retention). */
  expected: number | undefined;
  gap: number | 'unknown' | undefined;
}

/** Credit per reader: RabbitMQ requires a prefetch on stream consumers; we ACK each message once written to the session. */
const STREAM_PREFETCH = 256;
/** Streams this connection has made sure of (declared and bound), remembered for this many destinations. */
const ENSURED_LIMIT = 1024;

/**
 * The `history` destinations through the relay: each is a RabbitMQ stream (`nestjs-stomp.stream.<key>`,
 * durable, bound to amq.topic with the destination's key), so every node publishes into one history
 * and any node can replay it. Each client subscription reads the stream with a broker subscription of
 * its own, from its own offset; MESSAGEs carry the stream's `x-stream-offset` and an `x-stream-epoch`
 * naming the stream, the same on every node, so a client resumes on any node where it left off.
 */
export class RelayStreams implements ConsumerKind<StreamReader> {
  readonly prefix = 'h';
  readonly requeues = false;
  readonly consumers: RelayConsumers<StreamReader>;
  private readonly rules: Array<{ pattern: CompiledPattern; rule: StompHistoryRule }>;
  private readonly ensured = new Map<string, true | Promise<void>>();
  private nextId = 0;

  constructor(
    private readonly client: StompTcpClient,
    private readonly receipts: RelayReceipts,
    private readonly matcher: DestinationMatcher,
    private readonly mapper: RelayDestinationMapper,
    rules: readonly StompHistoryRule[],
    private readonly maxBytes: number,
    private readonly virtualHost: string,
  ) {
    this.rules = rules.map((rule) => ({ pattern: matcher.compile(rule.destination), rule }));
    this.consumers = new RelayConsumers(client, receipts, this);
  }

  /** An exact destination a rule claims; pattern subscriptions read the topic, live only, as any other. */
  claims(destination: string): boolean {
    return this.rules.length > 0 && !this.matcher.isPattern(destination) && this.rules.some((r) => r.pattern.test(destination));
  }

  subscribe(consumer: ConsumerRequest): void | Promise<void> {
    const { destination } = consumer;
    const request = resumeRequestOf(consumer.headers ?? {});
    const reader: StreamReader = {
      ...consumerOf(consumer, `${this.prefix}${++this.nextId}`),
      ...{ start: request.from, expected: undefined, gap: undefined },
    };
    if (request.from === 'offset' && request.epoch !== undefined && request.epoch !== this.epochOf(destination)) {
      // Another stream's offsets (another destination's rule, or the in-memory broker's history): all this one has.
      Object.assign(reader, { start: 'first', gap: 'unknown' });
    } else if (request.from === 'offset') {
      Object.assign(reader, { start: `offset=${request.offset}`, expected: request.offset });
    }
    return this.consumers.add(reader, consumer.confirm);
  }

  /**
   * Settles once the stream exists and is bound, so what is published next is kept; undefined when
   * this connection already made sure of it (or has no connection: the SEND then fails as any other).
   * A SUBSCRIBE declares and binds; the UNSUBSCRIBE right after it leaves both in place.
   */
  ready(destination: string): Promise<void> | undefined {
    const known = this.ensured.get(destination);
    if (known !== undefined) return known === true ? undefined : known;
    if (!this.client.connected) return undefined;
    const id = `${this.prefix}${++this.nextId}`;
    const made = new Promise<void>((resolve, reject) => {
      const receipt = this.receipts.expect((error) => {
        if (error) this.ensured.delete(destination);
        else this.remember(destination, true);
        if (error) reject(error);
        else resolve();
      }, false);
      const headers = { ...this.declaration(destination), 'prefetch-count': '1', 'x-stream-offset': 'next' };
      this.client.send('SUBSCRIBE', { ...headers, id, ack: 'client-individual', receipt });
      this.client.send('UNSUBSCRIBE', { id });
    });
    this.remember(destination, made);
    return made;
  }

  subscribeHeaders(reader: StreamReader): StompHeaders {
    return { ...this.declaration(reader.destination), 'prefetch-count': String(STREAM_PREFETCH), 'x-stream-offset': reader.start };
  }

  receive(reader: StreamReader, frame: StompFrame): void {
    const offset = Number(frame.headers[STREAM_HEADERS.offset]);
    if (reader.expected !== undefined && offset > reader.expected && reader.gap !== 'unknown') {
      reader.gap = (reader.gap ?? 0) + offset - reader.expected;
    }
    reader.expected = undefined;
    // After a lost broker connection, read on from the next one: the client sees neither a gap nor a repeat.
    reader.start = `offset=${offset + 1}`;
    const headers: StompHeaders = {
      ...withoutDeclarationHeaders(withoutBrokerHeaders(frame.headers)),
      [STREAM_HEADERS.offset]: String(offset),
      [STREAM_HEADERS.epoch]: this.epochOf(reader.destination),
    };
    if (reader.gap !== undefined) headers[STREAM_HEADERS.gap] = String(reader.gap);
    reader.gap = undefined;
    this.consumers.deliver(
      reader,
      toOutboundMessage({ destination: reader.destination, headers, body: frame.body }),
      frame.headers.ack,
      true,
    );
  }

  /** A reconnection may find the stream deleted: each connection makes sure again. */
  disconnected(): void {
    this.ensured.clear();
    for (const reader of this.consumers.readers()) if (reader.start.startsWith('offset=')) reader.expected = Number(reader.start.slice(7));
  }

  /**
   * Names the stream, not its contents: RabbitMQ tells a STOMP client nothing that would change when a
   * stream is deleted and declared again (see README, Scaling out), so the epoch is the same for both.
   */
  epochOf(destination: string): string {
    const name = `${this.virtualHost}\u0000${this.streamName(destination)}`;
    return `rmq-${createHash('sha256').update(name, 'utf8').digest('base64url').slice(0, 16)}`;
  }

  private streamName(destination: string): string {
    return `nestjs-stomp.stream.${this.mapper.toBroker(destination).slice('/topic/'.length)}`;
  }

  private declaration(destination: string): StompHeaders {
    return {
      destination: this.mapper.toBroker(destination),
      'x-queue-name': this.streamName(destination),
      'x-queue-type': 'stream',
      durable: 'true',
      'auto-delete': 'false',
      'x-max-length-bytes': String(this.maxBytes),
    };
  }

  private remember(destination: string, state: true | Promise<void>): void {
    this.ensured.delete(destination);
    if (this.ensured.size >= ENSURED_LIMIT) this.ensured.delete(this.ensured.keys().next().value!);
    this.ensured.set(destination, state);
  }
}
