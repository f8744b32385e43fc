import { Logger } from '@nestjs/common';
import type { ErrorPolicy } from '../../engine/outbound/error.policy.js';
import type { StompSession } from '../../engine/session/stomp.session.js';
import { isClientFault } from './client-error.message.js';
import type { HandlerErrorMode, StompErrorBody } from '../../interfaces/stomp-error.interface.js';

/**
 * Logs a handler error once and tells the sender, never anyone else. A sender that did not
 * subscribe to its error destination gets an ERROR frame instead, so an error never vanishes.
 */
export class HandlerErrorReporter {
  private readonly logger = new Logger(HandlerErrorReporter.name);

  constructor(
    private readonly errors: ErrorPolicy,
    private readonly mode: HandlerErrorMode,
  ) {}

  async report(session: StompSession, body: StompErrorBody, exception: unknown): Promise<void> {
    this.log(session, body, exception);
    const clientFault = isClientFault(exception);
    const error = {
      code: clientFault ? 'HANDLER_REFUSED' : 'INTERNAL_ERROR',
      message: body.message,
      reason: clientFault ? 'protocol-error' : 'internal-error',
      receiptId: body.receipt,
      body,
      closeText: body.message,
    } as const;
    if (this.mode === 'report') this.errors.report(session, error, body);
    else this.errors.fail(session, error);
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
