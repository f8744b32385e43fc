import type { SimpMessagingTemplate } from '../../engine/messaging/simp-messaging.template.js';
import type { StompSession } from '../../engine/session/stomp.session.js';

/**
 * The `client` a `@WebSocketGateway` sees under `StompAdapter` (`@ConnectedSocket()`): the STOMP
 * session plus the `emit` Nest's `BaseWsExceptionFilter` calls, so gateway errors reach the sender.
 */
export class StompGatewayClient {
  constructor(
    /** The underlying STOMP session. */
    readonly session: StompSession,
    private readonly template: SimpMessagingTemplate,
    private readonly errorDestination: string,
  ) {}

  get id(): string {
    return this.session.id;
  }

  /** Sends `data` to this session only: `exception` to its error destination, any other event to `/user/queue/<event>`. */
  emit(event: string, data: unknown): Promise<number> {
    const destination = event === 'exception' ? this.errorDestination : `/queue/${event.replace(/^\//, '')}`;
    return this.template.convertAndSendToSession(this.session.id, destination, data);
  }
}
