import type { StompFrame } from '../../interfaces/stomp-frame.interface.js';
import type { StompSession } from '../../engine/session/stomp.session.js';

/** Takes SENDs that no `@MessageMapping` claims (the gateway adapter). */
export interface FallbackSendHandler {
  /** Handles the SEND and resolves true, or resolves false when nothing of its own matches. */
  handleSend(session: StompSession, destination: string, frame: StompFrame): boolean | Promise<boolean>;
}

/**
 * Where a `StompAdapter` registers itself: the app's own `useWebSocketAdapter(new StompAdapter(app))`
 * creates it after the module, so it is a registration, like Nest's own adapter host.
 */
export class StompGatewayRoutes implements FallbackSendHandler {
  private handler: FallbackSendHandler | undefined;

  /** Returns the function that takes the registration back. */
  register(handler: FallbackSendHandler): () => void {
    this.handler = handler;
    return () => {
      if (this.handler === handler) this.handler = undefined;
    };
  }

  handleSend(session: StompSession, destination: string, frame: StompFrame): boolean | Promise<boolean> {
    return this.handler?.handleSend(session, destination, frame) ?? false;
  }
}
