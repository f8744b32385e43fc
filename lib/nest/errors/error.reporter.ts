import { Logger } from '@nestjs/common';
import type { SimpMessagingTemplate } from '../../engine/messaging/simp-messaging.template.js';
import type { StompSession } from '../../engine/session/stomp.session.js';
import { CLOSE_CODES } from '../../engine/options/stomp.defaults.js';
import { isClientFault } from './client-error.message.js';
import type { HandlerErrorMode, StompErrorBody } from '../../interfaces/stomp-error.interface.js';

/**
 * Logs a handler error once and tells the sender, never anyone else. A sender that did not
 * subscribe to its error destination gets an ERROR frame instead, so an error never vanishes.
 */
export class HandlerErrorReporter {
  private readonly logger = new Logger(HandlerErrorReporter.name);

  constructor(
    private readonly template: SimpMessagingTemplate,
    private readonly mode: HandlerErrorMode,
    /** The user destination without `/user`, e.g. `/queue/errors`. */
    private readonly errorDestination: string,
  ) {}

  async report(session: StompSession, body: StompErrorBody, exception: unknown): Promise<void> {
    this.log(session, body, exception);
    if (session.isClosed) return;
    if (this.mode === 'report') {
      const delivered = await this.template.convertAndSendToSession(session.id, this.errorDestination, body);
      if (delivered > 0) return;
    }
    const headers: Record<string, string> = { message: body.message, 'content-type': 'application/json' };
    if (body.receipt !== undefined) headers['receipt-id'] = body.receipt;
    session.sendFrame('ERROR', headers, JSON.stringify(body));
    session.close(isClientFault(exception) ? 'protocol-error' : 'internal-error', CLOSE_CODES.protocolError, body.message);
  }

  private log(session: StompSession, body: StompErrorBody, exception: unknown): void {
    const where = `${body.destination} (session ${session.id}, user ${session.userName})`;
    if (isClientFault(exception)) {
      this.logger.warn(`Handler for ${where} refused the message: ${body.message}`);
    } else {
      const error = exception instanceof Error ? exception : new Error(String(exception));
      this.logger.error(`Handler for ${where} failed: ${error.message}`, error.stack);
    }
  }
}
