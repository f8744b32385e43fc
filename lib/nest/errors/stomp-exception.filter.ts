import type { ArgumentsHost, ExceptionFilter } from '@nestjs/common';
import type { StompSession } from '../../engine/session/stomp.session.js';
import { clientErrorMessage } from './client-error.message.js';
import type { StompErrorBody } from '../../interfaces/stomp-error.interface.js';
import { ERROR_REPORTER, type InboundStompMessage } from '../handlers/inbound.message.js';
import { isStompContext, type StompMessage } from '../handlers/stomp-message.js';

/**
 * The default handling of a STOMP handler error, as a filter to extend: logs it once and sends
 * `{ message, destination, receipt? }` to the sender's error destination (or ERROR + close with
 * `handlerErrors: 'fatal'`). Override `errorBody` to shape what the client sees.
 *
 * A filter marks an error handled by returning something other than `undefined` (Nest 12's rule
 * outside HTTP); `catch` here returns a Promise, so subclasses calling `super.catch` are covered.
 */
export class BaseStompExceptionFilter<T = unknown> implements ExceptionFilter<T> {
  catch(exception: T, host: ArgumentsHost): Promise<void> {
    const message = host.getArgByIndex<InboundStompMessage | undefined>(2);
    const reporter = message?.[ERROR_REPORTER];
    // Outside a STOMP invocation this filter has nothing to say: let the next handler see the error.
    if (!isStompContext(host) || !message || !reporter) throw exception;
    return reporter.report(host.getArgByIndex<StompSession>(0), this.errorBody(exception, message), exception);
  }

  /** What the client receives; the default keeps only client-safe messages ("Internal error" otherwise). */
  protected errorBody(exception: T, message: StompMessage): StompErrorBody {
    const body: StompErrorBody = { message: clientErrorMessage(exception), destination: message.destination };
    if (message.headers.receipt !== undefined) body.receipt = message.headers.receipt;
    return body;
  }
}
