import type { INestApplicationContext, WebSocketAdapter, WsMessageHandler } from '@nestjs/common';
import type { Subscription } from 'rxjs';
import { StompException } from '../../engine/errors/stomp.exception.js';
import type { SimpMessagingTemplate } from '../../engine/messaging/simp-messaging.template.js';
import type { StompFrame } from '../../interfaces/stomp-frame.interface.js';
import type { StompSession } from '../../engine/session/stomp.session.js';
import { StompServer } from '../../engine/stomp.server.js';
import { DEFAULT_GATEWAY_REPLY_DESTINATION } from '../handlers/handler.constants.js';
import { StompMessageHandlers } from '../handlers/message.handlers.js';
import { StompGatewayRoutes, type FallbackSendHandler } from './gateway.routes.js';
import { resolvePayload } from '../handlers/payload.resolver.js';
import { deliverResult } from '../replies/result.delivery.js';
import { StompGatewayClient } from './stomp-gateway.client.js';
import { BOOTSTRAP_MESSAGES } from '../../engine/stomp.messages.js';

interface GatewayClient {
  client: StompGatewayClient;
  handlers: Map<string, WsMessageHandler['callback']>;
  disconnects: Function[];
}

const isEventReply = (value: unknown): value is { event: string; data: unknown } =>
  typeof value === 'object' && value !== null && typeof (value as { event?: unknown }).event === 'string' && 'data' in value;

/**
 * Nest's gateway idiom over STOMP: `app.useWebSocketAdapter(new StompAdapter(app))` makes
 * `@SubscribeMessage('/hello')` receive SENDs to `<appPrefix>/hello` on the STOMP endpoint. A returned
 * `{ event, data }` is published to destination `event`; anything else goes to the sender's `reply-to`
 * user destination, or `/user/queue/reply`. `@WebSocketServer()` is the `SimpMessagingTemplate`.
 */
export class StompAdapter implements WebSocketAdapter<SimpMessagingTemplate, StompGatewayClient>, FallbackSendHandler {
  private readonly connectCallbacks: Function[] = [];
  private readonly clients = new Map<string, GatewayClient>();
  private server: StompServer | undefined;
  private handlers: StompMessageHandlers | undefined;
  private events: Subscription | undefined;
  private unregister: (() => void) | undefined;

  constructor(private readonly app: INestApplicationContext) {}

  create(port: number): SimpMessagingTemplate {
    if (port) throw new Error(BOOTSTRAP_MESSAGES.gatewayPort(port));
    return this.attach().template;
  }

  bindClientConnect(_server: SimpMessagingTemplate, callback: Function): void {
    this.connectCallbacks.push(callback);
  }

  bindClientDisconnect(client: StompGatewayClient, callback: Function): void {
    this.clients.get(client.id)?.disconnects.push(callback);
  }

  bindMessageHandlers(client: StompGatewayClient, handlers: WsMessageHandler[]): void {
    const state = this.clients.get(client.id);
    for (const { message, callback } of handlers) {
      if (state && typeof message === 'string' && !state.handlers.has(message)) state.handlers.set(message, callback);
    }
  }

  /** Sessions belong to the STOMP module, which closes them itself. */
  close(): void {}

  /** Detaches from the STOMP server (Nest calls it once on shutdown, after `close`). */
  async dispose(): Promise<void> {
    this.events?.unsubscribe();
    this.unregister?.();
    this.clients.clear();
  }

  async handleSend(session: StompSession, destination: string, frame: StompFrame): Promise<boolean> {
    const state = this.clients.get(session.id);
    const callback = state?.handlers.get(destination);
    if (!state || !callback || !this.server || !this.handlers) return false;
    const { handlers, server } = this;
    let payload: unknown;
    const report = (error: unknown): Promise<void> => handlers.reportError(error, session, frame, destination, payload);
    try {
      payload = resolvePayload(frame.body, frame.headers['content-type']);
      const result: unknown = await callback(payload);
      await deliverResult(result, session, server.events, (value) => this.reply(value, session, frame), report);
    } catch (error) {
      await report(error);
    }
    return true;
  }

  private async reply(value: unknown, session: StompSession, frame: StompFrame): Promise<void> {
    const { template, options } = this.server!;
    if (value === undefined || value === null) return;
    if (isEventReply(value)) return void (await template.convertAndSend(value.event, value.data));
    const replyTo = frame.headers['reply-to'] ?? DEFAULT_GATEWAY_REPLY_DESTINATION;
    // Replies go to the sender only: a client-chosen broadcast destination is refused.
    if (!replyTo.startsWith(options.userDestinationPrefix)) {
      throw new StompException(`reply-to must be a user destination such as '${DEFAULT_GATEWAY_REPLY_DESTINATION}'`);
    }
    await template.convertAndSendToSession(session.id, replyTo.slice(options.userDestinationPrefix.length - 1), value);
  }

  /** Binds to the STOMP server once, whatever the number of gateways. */
  private attach(): StompServer {
    if (this.server) return this.server;
    const server = this.app.get(StompServer);
    const handlers = this.app.get(StompMessageHandlers);
    if (!server || !handlers) throw new Error(BOOTSTRAP_MESSAGES.adapterWithoutModule);
    this.server = server;
    this.handlers = handlers;
    this.unregister = this.app.get(StompGatewayRoutes).register(this);
    this.events = server.events.events$.subscribe((event) => {
      if (event.type === 'connected') this.connect(server, event.sessionId);
      if (event.type === 'disconnect') this.disconnect(event.sessionId, event.reason);
    });
    return server;
  }

  private connect(server: StompServer, sessionId: string): void {
    const session = server.registry.session(sessionId);
    if (!session) return;
    this.clients.set(sessionId, {
      client: new StompGatewayClient(session, server.template, server.options.errorDestination),
      handlers: new Map(),
      disconnects: [],
    });
    for (const callback of this.connectCallbacks) callback(this.clients.get(sessionId)!.client);
  }

  private disconnect(sessionId: string, reason: string): void {
    const state = this.clients.get(sessionId);
    this.clients.delete(sessionId);
    for (const callback of state?.disconnects ?? []) callback(reason);
  }
}
