import { StompProtocolError } from '../../errors/protocol.error.js';
import type { StompFrame, StompHeaders } from '../../../interfaces/stomp-frame.interface.js';
import type { CompiledPattern, DestinationMatcher } from '../destination.matcher.js';
import { prefetchOf } from '../queue/queue.store.js';
import { toOutboundMessage } from '../simple.broker.js';
import { CLIENT_MESSAGES } from '../../stomp.messages.js';
import type { RelayDestinationMapper } from './destination.mapper.js';
import { consumerOf, RelayConsumers, type ConsumerKind, type ConsumerRequest, type RelayConsumer } from './relay.consumers.js';
import { withoutBrokerHeaders, withoutDeclarationHeaders } from './relay.headers.js';
import type { RelayReceipts } from './relay.receipts.js';
import type { StompTcpClient } from './stomp-tcp.client.js';

interface QueueConsumer extends RelayConsumer {
  /** Sent on every SUBSCRIBE, 0 included: RabbitMQ's STOMP channel keeps the last prefetch for the subscriptions after it. */
  readonly prefetch: number;
}

/**
 * The `queues` destinations through the relay: RabbitMQ queues, so consumers on every node compete
 * for their messages and RabbitMQ does the dispatch, the prefetch and the redelivery. Each client
 * subscription is a broker subscription of its own (not one per node and destination, as topics):
 * with one per node, a NACK or a lost session could only redeliver on the same node, and a node's
 * prefetch would be shared out among its clients by us rather than by RabbitMQ's fair dispatch.
 * Queues are durable and, with `queueExpiresMs`, deleted by RabbitMQ once unused (no consumer) that long.
 */
export class RelayQueues implements ConsumerKind<QueueConsumer> {
  readonly prefix = 'q';
  readonly requeues = true;
  private readonly patterns: CompiledPattern[];
  readonly consumers: RelayConsumers<QueueConsumer>;
  private nextId = 0;

  constructor(
    client: StompTcpClient,
    receipts: RelayReceipts,
    private readonly matcher: DestinationMatcher,
    private readonly mapper: RelayDestinationMapper,
    patterns: readonly string[],
    private readonly expiresMs: number,
  ) {
    this.patterns = patterns.map((p) => matcher.compile(p));
    this.consumers = new RelayConsumers(client, receipts, this);
  }

  claims(destination: string): boolean {
    return this.patterns.length > 0 && this.patterns.some((p) => p.test(destination));
  }

  subscribe(request: ConsumerRequest): void | Promise<void> {
    const { destination, headers } = request;
    if (this.matcher.isPattern(destination)) throw new StompProtocolError('QUEUE_PATTERN', CLIENT_MESSAGES.queuePattern(destination));
    const prefetch = prefetchOf(headers?.['prefetch-count']);
    return this.consumers.add({ ...consumerOf(request, `${this.prefix}${++this.nextId}`), prefetch }, request.confirm);
  }

  /** A SEND to the queue: the same declaration as the SUBSCRIBEs (RabbitMQ closes the connection on a mismatch), persistent messages. */
  sendHeaders(destination: string, headers: StompHeaders): StompHeaders {
    return { ...withoutDeclarationHeaders(headers), ...this.declaration(destination), persistent: 'true' };
  }

  subscribeHeaders(consumer: QueueConsumer): StompHeaders {
    return { ...this.declaration(consumer.destination), 'prefetch-count': String(consumer.prefetch) };
  }

  receive(consumer: QueueConsumer, frame: StompFrame): void {
    // `persistent` too: the relay's own, on every queue SEND.
    const headers: StompHeaders = {
      ...withoutDeclarationHeaders(withoutBrokerHeaders(frame.headers)),
      redelivered: frame.headers.redelivered ?? 'false',
    };
    const outbound = toOutboundMessage({ destination: consumer.destination, headers, body: frame.body });
    // `auto` holds nothing: settled once written to the session, as the in-memory queue does.
    this.consumers.deliver(consumer, outbound, frame.headers.ack, consumer.ackMode === 'auto');
  }

  private declaration(destination: string): StompHeaders {
    const headers: StompHeaders = { destination: this.mapper.toBrokerQueue(destination), durable: 'true', 'auto-delete': 'false' };
    if (this.expiresMs > 0) headers['x-expires'] = String(this.expiresMs);
    return headers;
  }
}
