import { createHash } from 'node:crypto';
import type { StompFrame, StompHeaders } from '../../../interfaces/stomp-frame.interface.js';
import type { StompHistoryRule } from '../../../interfaces/stomp-options.interface.js';
import type { CompiledPattern, DestinationMatcher } from '../destination.matcher.js';
import { toOutboundMessage } from '../simple.broker.js';
import { resumeRequestOf, STREAM_HEADERS } from '../../outbound/history/resume.request.js';
import type { RelayDestinationMapper } from './destination.mapper.js';
import { consumerOf, RelayConsumers, type ConsumerKind, type ConsumerRequest, type RelayConsumer } from './relay.consumers.js';
import { withoutBrokerHeaders, withoutDeclarationHeaders } from './relay.headers.js';
import type { ResolvedRelayOptions } from '../../../interfaces/stomp-relay-options.interface.js';
import { brokerUnavailable, RelayReceipts } from './relay.receipts.js';
import { RELAY_CONNECTED_TIMEOUT_MS, StompTcpClient } from './stomp-tcp.client.js';

interface StreamReader extends RelayConsumer {
  /** RabbitMQ's `x-stream-offset` for the next broker SUBSCRIBE: the client's start, then after the last message it got. */
  start: string;
  /** The offset the next message should have (a resume): a later one means RabbitMQ no longer had those (retention). */
  expected: number | undefined;
  gap: number | 'unknown' | undefined;
  /** Unix seconds of its first broker SUBSCRIBE: where a live-only reader that got nothing yet reads on after a reconnection. */
  since?: number;
}

/** Credit per reader: RabbitMQ requires a prefetch on stream consumers; we ACK each message once written to the session. */
const STREAM_PREFETCH = 256;
/** Streams this connection has made sure of (declared and bound), remembered for this many destinations. */
const ENSURED_LIMIT = 1024;
/** Tries to make sure of a stream before a publish gives up: a refusal is mostly RabbitMQ's creation race, gone by the next. */
const READY_ATTEMPTS = 3;
/** The stream connection's first reconnection wait: after a refused stream SUBSCRIBE it is back at once, not after reconnectDelay. */
const STREAM_RECONNECT_DELAY_MS = 100;
/**
 * A receipt older than this drops the stream connection. RabbitMQ 3.10 answers a stream SUBSCRIBE racing the
 * stream's creation on another node by crashing the channel (stream_not_found) and leaving the TCP connection
 * open: without this, every later frame on it would wait forever.
 */
const STREAM_RECEIPT_TIMEOUT_MS = RELAY_CONNECTED_TIMEOUT_MS;
/** ERRORs in a row (no RECEIPT between them) after which the subscriptions waiting are refused too: the cause is not a race. */
const ERRORS_BEFORE_REFUSING = 6;

/**
 * The `history` destinations through the relay: each is a RabbitMQ stream (`nestjs-stomp.stream.<key>`,
 * durable, bound to amq.topic with the destination's key), so every node publishes into one history
 * and any node can replay it. Each client subscription reads the stream with a broker subscription of
 * its own, from its own offset; MESSAGEs carry the stream's `x-stream-offset` and an `x-stream-epoch`
 * naming the stream, the same on every node, so a client resumes on any node where it left off.
 *
 * Streams have a broker connection of their own. RabbitMQ refuses a stream SUBSCRIBE while another node
 * is still creating that stream ("does not have a replica on the local node") and closes the connection
 * with it, and an ERROR names no frame: on the shared connection that cost every session's pending SEND
 * and subscription. Here it costs a reconnection of the stream readers, which read on from their offsets.
 */
export class RelayStreams implements ConsumerKind<StreamReader> {
  readonly prefix = 'h';
  readonly requeues = false;
  readonly consumers: RelayConsumers<StreamReader>;
  private readonly client: StompTcpClient;
  private readonly receipts = new RelayReceipts();
  private readonly rules: Array<{ pattern: CompiledPattern; rule: StompHistoryRule }>;
  private readonly ensured = new Map<string, true | Promise<void>>();
  /** Readers' first SUBSCRIBEs the broker has not confirmed yet, by destination (see `ready`). */
  private readonly unconfirmed = new Map<string, Set<Promise<void>>>();
  private connectionWaiters: Array<(connected: boolean) => void> = [];
  private watchdog: NodeJS.Timeout | undefined;
  private errorsInARow = 0;
  private readonly virtualHost: string;
  private nextId = 0;

  constructor(
    options: ResolvedRelayOptions,
    /** The relay's main connection: whether the broker is there at all. */
    private readonly main: { readonly connected: boolean },
    private readonly matcher: DestinationMatcher,
    private readonly mapper: RelayDestinationMapper,
    rules: readonly StompHistoryRule[],
    private readonly maxBytes: number,
  ) {
    this.virtualHost = options.virtualHost;
    this.rules = rules.map((rule) => ({ pattern: matcher.compile(rule.destination), rule }));
    const reconnectDelay = Math.min(options.reconnectDelay, STREAM_RECONNECT_DELAY_MS);
    this.client = new StompTcpClient(
      { ...options, reconnectDelay },
      {
        connected: () => {
          this.consumers.reconnected();
          this.settleWaiters(true);
        },
        disconnected: () => {
          this.receipts.dropped();
          this.disconnected();
          this.consumers.disconnected();
        },
        frame: (frame) => this.frame(frame),
      },
    );
    this.consumers = new RelayConsumers(this.client, this.receipts, this);
  }

  /** Opens the stream connection when a rule needs one. */
  async start(): Promise<void> {
    if (this.rules.length === 0) return;
    this.watchdog = setInterval(() => {
      if (this.client.connected && this.receipts.oldestWaitMs() > STREAM_RECEIPT_TIMEOUT_MS) this.client.reconnect();
    }, 1000).unref();
    await this.client.start();
  }

  close(): void {
    clearInterval(this.watchdog);
    this.receipts.dropped();
    this.consumers.clear();
    this.settleWaiters(false);
    this.client.stop();
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
    const added = this.consumers.add(reader, consumer.confirm);
    this.subscribing(destination, reader.pending?.promise);
    return added;
  }

  /**
   * Settles once the stream exists and is bound, so what is published next is kept; undefined when
   * this connection already made sure of it (or the broker is away: the SEND then fails as any other).
   * A SUBSCRIBE declares and binds; the UNSUBSCRIBE right after it leaves both in place. A refusal (another
   * node creating the same stream) is tried again once the stream connection is back.
   */
  ready(destination: string, attempt = 1): Promise<void> | undefined {
    // A reader and the SEND after it travel on two broker connections: without this wait a session that subscribes,
    // then sends, could miss its own message (one connection kept them in order).
    if (!this.main.connected) return undefined;
    const readers = this.unconfirmed.get(destination);
    if (readers) return Promise.all(readers).then(() => this.ready(destination, attempt));
    const known = this.ensured.get(destination);
    if (known !== undefined) return known === true ? undefined : known;
    if (!this.client.connected) return this.retry(destination, attempt);
    const id = `${this.prefix}${++this.nextId}`;
    const made = new Promise<void>((resolve, reject) => {
      const receipt = this.receipts.expect((error) => {
        if (!error) return (this.remember(destination, true), resolve());
        this.ensured.delete(destination);
        const again = attempt < READY_ATTEMPTS ? this.retry(destination, attempt + 1) : undefined;
        if (again) again.then(resolve, reject);
        else reject(error);
      }, false);
      const headers = { ...this.declaration(destination), 'prefetch-count': '1', 'x-stream-offset': 'next' };
      this.client.send('SUBSCRIBE', { ...headers, id, ack: 'client-individual', receipt });
      this.client.send('UNSUBSCRIBE', { id });
    });
    this.remember(destination, made);
    return made;
  }

  subscribeHeaders(reader: StreamReader): StompHeaders {
    // `next` again after a reconnection would skip what was published in between: read from the first SUBSCRIBE's
    // second, less one (RabbitMQ's timestamp is a chunk's: messages up to 2 s older may come too, rather than any lost).
    if (reader.start === 'next' && reader.since !== undefined) reader.start = `timestamp=${reader.since}`;
    reader.since ??= Math.floor(Date.now() / 1000) - 1;
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

  private subscribing(destination: string, confirmed: Promise<void> | undefined): void {
    if (!confirmed) return;
    let readers = this.unconfirmed.get(destination);
    if (!readers) this.unconfirmed.set(destination, (readers = new Set()));
    const settled = confirmed.catch(() => undefined);
    readers.add(settled);
    void settled.then(() => {
      readers.delete(settled);
      if (readers.size === 0 && this.unconfirmed.get(destination) === readers) this.unconfirmed.delete(destination);
    });
  }

  /** The next attempt of `ready`, once the stream connection is back; refused as unavailable when it does not come back. */
  private retry(destination: string, attempt: number): Promise<void> {
    const connected = new Promise<boolean>((resolve) => {
      const timer = setTimeout(() => resolve(false), RELAY_CONNECTED_TIMEOUT_MS * 2);
      this.connectionWaiters.push((ok) => (clearTimeout(timer), resolve(ok)));
    });
    return connected.then((ok) => {
      if (!ok || attempt > READY_ATTEMPTS) throw brokerUnavailable();
      return this.ready(destination, attempt);
    });
  }

  private settleWaiters(connected: boolean): void {
    const waiters = this.connectionWaiters;
    this.connectionWaiters = [];
    for (const waiter of waiters) waiter(connected);
  }

  private frame(frame: StompFrame): void {
    if (frame.command === 'RECEIPT') {
      this.errorsInARow = 0;
      this.receipts.received(frame.headers['receipt-id']);
    } else if (frame.command === 'ERROR') {
      // An ERROR names no frame: every waiting one may be the refused one. A declaration is tried again (ready);
      // a reader's SUBSCRIBE is made again on the next connection, unless ERRORs keep coming. RabbitMQ's STOMP
      // adapter runs one channel per connection, which an error ends, so start again rather than wait for it to close.
      this.receipts.refused(++this.errorsInARow < ERRORS_BEFORE_REFUSING);
      this.client.reconnect();
    } else if (frame.command === 'MESSAGE') this.consumers.receive(frame);
  }

  /** A reconnection may find the stream deleted: each connection makes sure again. */
  private disconnected(): void {
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
