import type { StompErrorBody } from '../../interfaces/stomp-error.interface.js';
import type { StompSession } from '../session/stomp.session.js';
import type { UserDestinationRouter } from '../user/user-destination.router.js';
import { convertPayload, messageHeaders } from '../messaging/payload.converter.js';
import { endWithError, type ClientError } from './error.frame.js';

/**
 * What every refusal and failure becomes, in one place: a refusal the session survives goes to the
 * sender's error destination (`/user/queue/errors`), and a sender not listening there gets an ERROR
 * frame and is closed, so an error never vanishes; anything fatal is an ERROR frame and a close.
 */
export class ErrorPolicy {
  constructor(
    private readonly users: UserDestinationRouter,
    /** The user destination without `/user`, e.g. `/queue/errors`. */
    private readonly errorDestination: string,
  ) {}

  /** Tells only the sender; returns without a frame when its error destination took the report. */
  report(session: StompSession, error: ClientError, body: StompErrorBody): void {
    if (session.isClosed) return;
    const converted = convertPayload(body);
    const delivered = this.users.deliver(
      session.userName,
      this.errorDestination,
      messageHeaders(converted, undefined),
      converted.body,
      session.id,
    );
    if (delivered === 0) endWithError(session, error);
  }

  fail(session: StompSession, error: ClientError): void {
    endWithError(session, error);
  }
}
