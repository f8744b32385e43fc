import { StompProtocolError } from '../errors/protocol.error.js';
import type { StompEvents } from '../events/stomp.events.js';
import type { StompConnectInfo, StompPrincipal } from '../../interfaces/stomp-principal.interface.js';
import type { StompModuleOptions } from '../../interfaces/stomp-options.interface.js';
import type { StompFrame } from '../../interfaces/stomp-frame.interface.js';
import type { StompSession } from './stomp.session.js';
import { CLIENT_MESSAGES } from '../stomp.messages.js';

/**
 * Decides who a CONNECT is: the `authenticate` hook (if any) names the principal, then `beforeConnect`
 * listeners may still refuse. Whatever goes wrong, the client learns only "Authentication failed" or
 * "Connection refused", unless the hook or listener threw a StompProtocolError of its own wording.
 */
export class ConnectAuthenticator {
  constructor(
    private readonly hook: StompModuleOptions['authenticate'],
    private readonly events: StompEvents,
  ) {}

  async authenticate(session: StompSession, frame: StompFrame): Promise<StompPrincipal | undefined> {
    const principal = await this.principalOf(session, frame);
    const { transport } = session.connection;
    try {
      await this.events.emitConnect({
        type: 'connect',
        sessionId: session.id,
        user: principal?.name ?? session.id,
        principal,
        transport,
        headers: frame.headers,
      });
    } catch (error) {
      throw error instanceof StompProtocolError
        ? error
        : new StompProtocolError('AUTHENTICATION_FAILED', CLIENT_MESSAGES.connectionRefused);
    }
    return principal;
  }

  private async principalOf(session: StompSession, frame: StompFrame): Promise<StompPrincipal | undefined> {
    if (!this.hook) return undefined;
    const { request, transport } = session.connection;
    const info: StompConnectInfo = {
      headers: frame.headers,
      url: request.url,
      remoteAddress: request.remoteAddress,
      requestHeaders: request.headers,
      transport,
      sessionId: session.id,
    };
    let principal: StompPrincipal | null | undefined;
    try {
      principal = await this.hook(info);
    } catch (error) {
      // The hook may explain itself through a StompProtocolError; anything else stays on the server.
      if (error instanceof StompProtocolError) throw error;
      throw new StompProtocolError('AUTHENTICATION_FAILED', CLIENT_MESSAGES.authenticationFailed);
    }
    if (!principal || typeof principal.name !== 'string' || principal.name === '') {
      throw new StompProtocolError('AUTHENTICATION_FAILED', CLIENT_MESSAGES.authenticationFailed);
    }
    return principal;
  }
}
