import { isUtf8 } from 'node:buffer';
import { StompProtocolError } from '../errors/protocol.error.js';
import type { ClientCommand, StompFrame, StompHeaders, StompVersion } from '../../interfaces/stomp-frame.interface.js';
import { FrameParser } from '../protocol/frame.parser.js';
import { serializeFrame, travelsAsBinary } from '../protocol/frame.serializer.js';
import { serverHeartBeat, type ServerHeartBeat } from '../protocol/heartbeat.negotiator.js';
import { negotiateVersion } from '../protocol/version.negotiator.js';
import type { BrokerSubscriber, OutboundMessage } from '../../interfaces/message-broker.interface.js';
import type { StompPrincipal } from '../../interfaces/stomp-principal.interface.js';
import type { StompConnection } from '../transport/stomp.connection.js';
import { CLOSE_CODES } from '../options/stomp.defaults.js';
import { closeReasonOf, endWithError } from '../outbound/error.frame.js';
import type { ProtocolErrorCode } from '../../interfaces/stomp-error.interface.js';
import type { StompCounters } from './stomp.counters.js';
import type { AckMode, SessionCloseReason, SessionSubscription } from '../../interfaces/stomp-session.interface.js';
import { parserLimitsOf, type SessionLimits, type SessionRouter } from './session.types.js';
import { ackIdOf, connectedHeaders, newSubscriptionOf, required, unsubscribeIdOf } from './frame.headers.js';
import { HeartbeatMonitor, type HeartbeatActions } from './heartbeat.monitor.js';
import type { HeartbeatWheel } from './heartbeat.wheel.js';
import { TransactionBuffer } from './transaction.buffer.js';
import { InboundBacklog, type InboundHost } from './inbound.backlog.js';
import { CLIENT_MESSAGES } from '../stomp.messages.js';
import { DeliveryFrames } from './delivery.frames.js';

type SessionState = 'awaiting-connect' | 'connecting' | 'connected' | 'closed';

const EOL = Buffer.from('\n');

/**
 * One STOMP session over one connection: the protocol state machine (CONNECT, heart-beats,
 * receipts, transactions, limits). It knows nothing of routing or Nest; it hands frames to
 * its router one at a time, in arrival order, waiting while the router works asynchronously.
 */
export class StompSession implements BrokerSubscriber, HeartbeatActions, InboundHost {
  readonly subscriptions = new Map<string, SessionSubscription>();
  private attributeMap: Map<string, unknown> | undefined;
  principal: StompPrincipal | undefined;
  version: StompVersion | undefined;

  private state: SessionState = 'awaiting-connect';
  private readonly parser: FrameParser;
  /** Frames that arrived while an earlier one was still being handled. */
  readonly inbound: InboundBacklog;
  private transactionBuffer: TransactionBuffer | undefined;
  private deliveries = 0;
  private frames: DeliveryFrames | undefined;
  private heartbeat: HeartbeatMonitor | undefined;
  private connectTimer: NodeJS.Timeout | undefined;

  constructor(
    readonly connection: StompConnection,
    private readonly router: SessionRouter<StompSession>,
    private readonly limits: SessionLimits,
    private readonly counters: StompCounters,
    private readonly wheel: HeartbeatWheel,
  ) {
    this.parser = new FrameParser(parserLimitsOf(limits), (frame) => this.receive(frame));
    this.inbound = new InboundBacklog(this, limits);
    connection.onData((chunk) => this.onData(chunk));
    connection.onClose((reason) => this.end(reason));
    this.connectTimer = setTimeout(
      () => this.fail(new StompProtocolError('CONNECT_TIMEOUT', CLIENT_MESSAGES.connectTimeout(limits.connectTimeout)), 'connect-timeout'),
      limits.connectTimeout,
    );
    counters.sessionsOpened++;
  }

  get id(): string {
    return this.connection.id;
  }

  /** Free-form per-session attributes for application code (Spring's session attributes). */
  get attributes(): Map<string, unknown> {
    return (this.attributeMap ??= new Map());
  }

  /** Made on first use: most sessions never open a transaction, and idle sessions should stay small. */
  private get transactions(): TransactionBuffer {
    return (this.transactionBuffer ??= new TransactionBuffer(this.limits));
  }

  /** The user this session acts for: the principal's name, or the session id when anonymous (as Spring). */
  get userName(): string {
    return this.principal?.name ?? this.id;
  }

  get isConnected(): boolean {
    return this.state === 'connected';
  }

  get isClosed(): boolean {
    return this.state === 'closed';
  }

  /** Sends one MESSAGE from a broker subscription; the shared bytes were serialised once by the broker. */
  deliver(message: OutboundMessage, subscriptionId: string, ackMode: AckMode): string | undefined {
    if (this.state !== 'connected') return undefined;
    const { template } = message;
    // Without an ack header nothing in a broadcast's MESSAGE is this session's own: it shares the frame (and id) of the others.
    const own = ackMode !== 'auto' || !template.fanOut ? String(++this.deliveries) : undefined;
    this.frames ??= new DeliveryFrames(this.version!, this.connection.textOnly, this.subscriptions);
    const key = message.conflationKey === undefined ? undefined : `${subscriptionId}\0${message.conflationKey}`;
    this.write(this.frames.render(template, subscriptionId, own, ackMode), template.binary, key);
    this.counters.messagesDelivered++;
    return own ?? template.fanOutMessageId;
  }

  /** Heart-beat due: an EOL (HeartbeatActions, called by the monitor). */
  sendHeartbeat(): void {
    this.write(EOL, false);
  }

  /** The client stayed silent past the grace period (HeartbeatActions). */
  peerSilent(silentMs: number): void {
    // Reading is paused by the inbound backlog: the client's traffic waits in the socket, unread, not absent.
    if (this.inbound.paused) return;
    this.fail(new StompProtocolError('HEARTBEAT_TIMEOUT', CLIENT_MESSAGES.heartbeatTimeout(silentMs)), 'heartbeat-timeout');
  }

  /** Sends a frame built here (CONNECTED, RECEIPT, ERROR, or a direct MESSAGE). */
  sendFrame(command: 'CONNECTED' | 'RECEIPT' | 'ERROR' | 'MESSAGE', headers: StompHeaders, body?: Buffer | string): void {
    if (this.state === 'closed') return;
    this.counters.countBuilt(command);
    const binary = command === 'MESSAGE' && Buffer.isBuffer(body) && travelsAsBinary(headers['content-type'], () => isUtf8(body));
    this.write(serializeFrame(command, headers, body, this.version ?? '1.2', this.connection.textOnly), binary);
  }

  /** Sends an ERROR frame with a client-safe message (and its stable code), then ends the session. */
  fail(error: unknown, reason: SessionCloseReason = 'protocol-error', receiptId?: string): void {
    if (this.state === 'closed') return;
    if (!(error instanceof StompProtocolError)) {
      this.router.internalError(this, error);
      return endWithError(this, { code: 'INTERNAL_ERROR', message: 'Internal error', reason: 'internal-error', receiptId });
    }
    endWithError(this, { code: error.code, message: error.message, headers: error.headers, reason, receiptId });
  }

  /** Ends the session from the server side; `errorCode` is that of the ERROR frame it was just sent, if any. */
  close(reason: SessionCloseReason, code: number = CLOSE_CODES.normal, text = 'Session closed', errorCode?: ProtocolErrorCode): void {
    if (this.state === 'closed') return;
    this.end(reason, errorCode);
    this.connection.close(code, text);
  }

  private onData(chunk: Buffer | string): void {
    if (this.state === 'closed') return;
    this.heartbeat?.markRead();
    try {
      this.parser.push(chunk);
    } catch (error) {
      this.fail(error);
    }
  }

  private receive(frame: StompFrame): void {
    if (this.state === 'closed') return;
    this.counters.countReceived(frame.command as ClientCommand);
    this.inbound.receive(frame);
  }

  /** Runs one frame (InboundHost); the backlog holds back the frames after one whose work is asynchronous, so order is kept. */
  runFrame(frame: StompFrame): Promise<void> | void {
    if (this.state === 'closed') return;
    try {
      const pending = this.handle(frame);
      if (pending) return pending.then(() => this.acknowledge(frame)).catch((error: unknown) => this.refuse(frame, error));
      this.acknowledge(frame);
    } catch (error) {
      this.refuse(frame, error);
    }
  }

  /** Too many frames wait behind a slow handler and the transport cannot stop reading (InboundHost). */
  backlogOverflow(): void {
    const { inboundBacklogFramesLimit: frames, inboundBacklogBytesLimit: bytes } = this.limits;
    this.fail(new StompProtocolError('INBOUND_BACKLOG', CLIENT_MESSAGES.inboundBacklog(frames, bytes)));
  }

  /** A refusal the app chose to report (not fatal) leaves the session running, without a RECEIPT; anything else ends it. */
  private refuse(frame: StompFrame, error: unknown): void {
    if (error instanceof StompProtocolError && !error.fatal) return this.router.refused(this, frame, error);
    this.fail(error, closeReasonOf(error), frame.headers.receipt);
  }

  /** RECEIPT for every frame that asks, once its work is done (not only DISCONNECT, unlike Spring's simple broker). */
  private acknowledge(frame: StompFrame): void {
    const receipt = frame.headers.receipt;
    if (receipt !== undefined && frame.command !== 'CONNECT' && frame.command !== 'STOMP' && this.state === 'connected') {
      this.sendFrame('RECEIPT', { 'receipt-id': receipt });
    }
  }

  private handle(frame: StompFrame): Promise<void> | void {
    if (frame.command === 'CONNECT' || frame.command === 'STOMP') return this.handleConnect(frame);
    if (this.state !== 'connected') {
      throw new StompProtocolError('NOT_CONNECTED', CLIENT_MESSAGES.notConnected(frame.command));
    }
    switch (frame.command) {
      case 'SEND':
        return this.handleSend(frame);
      case 'SUBSCRIBE':
        return this.handleSubscribe(frame);
      case 'UNSUBSCRIBE':
        return this.handleUnsubscribe(frame);
      case 'ACK':
      case 'NACK':
        return this.handleAck(frame);
      case 'BEGIN':
      case 'COMMIT':
      case 'ABORT':
        return this.transactions.handle(frame, (f) => (f.command === 'SEND' ? this.router.send(this, f) : this.handleAck(f, true)));
      case 'DISCONNECT':
        this.acknowledge(frame);
        return this.close('client-disconnect');
      default:
        throw new StompProtocolError('UNKNOWN_COMMAND', CLIENT_MESSAGES.notAClientCommand(frame.command));
    }
  }

  private handleConnect(frame: StompFrame): Promise<void> | void {
    if (this.state !== 'awaiting-connect') throw new StompProtocolError('ALREADY_CONNECTED', CLIENT_MESSAGES.alreadyConnected);
    clearTimeout(this.connectTimer);
    this.connectTimer = undefined;
    this.version = negotiateVersion(frame.headers['accept-version']);
    this.parser.version = this.version;
    const heartbeat = serverHeartBeat(frame.headers['heart-beat'], this.limits.heartbeat, this.limits.heartbeatMinInterval);
    this.state = 'connecting';
    const principal = this.router.authenticate(this, frame);
    if (principal instanceof Promise) return principal.then((p) => this.completeConnect(p, heartbeat));
    this.completeConnect(principal, heartbeat);
  }

  private completeConnect(principal: StompPrincipal | undefined, beat: ServerHeartBeat): void {
    if (this.state !== 'connecting') return;
    this.principal = principal;
    this.state = 'connected';
    this.sendFrame('CONNECTED', connectedHeaders(this.version!, beat.offer, this.id, principal?.name));
    // Without heart-beats in either direction there is nothing to watch (and an idle session stays smaller).
    if (beat.sendIntervalMs > 0 || beat.receiveTimeoutMs > 0)
      this.heartbeat = new HeartbeatMonitor(beat.sendIntervalMs, beat.receiveTimeoutMs, this.limits.heartbeatGraceFactor, this, this.wheel);
    this.router.connected(this);
  }

  private handleSend(frame: StompFrame): Promise<void> | void {
    required(frame, 'destination');
    if (frame.headers.transaction === undefined) return this.router.send(this, frame);
    this.transactions.handle(frame);
  }

  private handleSubscribe(frame: StompFrame): Promise<void> | void {
    const subscription = newSubscriptionOf(frame, this.version, this.subscriptions, this.limits.maxSubscriptionsPerSession);
    const { id, destination } = subscription;
    this.subscriptions.set(id, subscription);
    const forget = (error: unknown): never => {
      this.subscriptions.delete(id);
      throw error;
    };
    try {
      const pending = this.router.subscribe(this, id, destination, subscription.ackMode, frame);
      if (pending) return pending.catch(forget);
    } catch (error) {
      forget(error);
    }
  }

  private handleUnsubscribe(frame: StompFrame): Promise<void> | void {
    const id = unsubscribeIdOf(frame, this.version);
    // An unknown id is harmless (the client may race its own UNSUBSCRIBE): nothing to undo.
    if (!this.subscriptions.delete(id)) return;
    this.frames?.forget(id);
    return this.router.unsubscribe(this, id);
  }

  /** In a transaction, an ACK or NACK takes effect at COMMIT, and not at all on ABORT (STOMP 1.2). */
  private handleAck(frame: StompFrame, committed = false): Promise<void> | void {
    const ackId = ackIdOf(frame, this.version);
    if (frame.headers.transaction !== undefined && !committed) return this.transactions.handle(frame);
    return this.router.ack(this, ackId, frame.command === 'ACK');
  }

  private write(frame: Buffer, binary: boolean, conflationKey?: string): void {
    this.heartbeat?.markWritten();
    this.counters.framesOut++;
    this.connection.send(frame, binary, conflationKey);
  }

  /** Releases everything the session holds; runs once, whoever ends the session. */
  private end(reason: SessionCloseReason, code?: ProtocolErrorCode): void {
    if (this.state === 'closed') return;
    this.state = 'closed';
    clearTimeout(this.connectTimer);
    this.heartbeat?.stop();
    this.inbound.clear();
    this.transactionBuffer = undefined;
    this.counters.countClose(reason, code);
    this.router.closed(this, { reason, code });
    this.subscriptions.clear();
  }
}
