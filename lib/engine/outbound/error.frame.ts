import type { ProtocolErrorCode } from '../../interfaces/stomp-error.interface.js';
import type { StompHeaders } from '../../interfaces/stomp-frame.interface.js';
import type { SessionCloseReason } from '../../interfaces/stomp-session.interface.js';
import { CLOSE_CODES } from '../options/stomp.defaults.js';
import { StompProtocolError } from '../errors/protocol.error.js';

/** An ERROR the client is to see, and why its session ends. */
export interface ClientError {
  code: ProtocolErrorCode;
  /** Client-safe text: the ERROR frame's `message` header. */
  message: string;
  reason: SessionCloseReason;
  /** Extra ERROR headers, e.g. `version` when no common version exists. */
  headers?: Readonly<Record<string, string>>;
  /** The `receipt` of the frame that failed, echoed as `receipt-id`. */
  receiptId?: string;
  /** A JSON body (a handler error's `{ message, destination, receipt? }`). */
  body?: unknown;
  /** Close code and text for the transport; default 1002 and "Session closed". */
  closeCode?: number;
  closeText?: string;
}

/** What an ERROR frame is written to: a session, seen only through what ending it needs. */
export interface ErrorFrameTarget {
  readonly isClosed: boolean;
  sendFrame(command: 'ERROR', headers: StompHeaders, body?: Buffer | string): void;
  close(reason: SessionCloseReason, code?: number, text?: string, errorCode?: ProtocolErrorCode): void;
}

/** The one way a session ends with an ERROR: the frame (with its stable `code`), then the close. */
export function endWithError(target: ErrorFrameTarget, error: ClientError): void {
  if (target.isClosed) return;
  const headers: StompHeaders = { message: error.message, code: error.code, ...error.headers };
  if (error.receiptId !== undefined) headers['receipt-id'] = error.receiptId;
  let body: string | undefined;
  if (error.body !== undefined) {
    headers['content-type'] = 'application/json';
    body = JSON.stringify(error.body);
  }
  target.sendFrame('ERROR', headers, body);
  target.close(error.reason, error.closeCode ?? CLOSE_CODES.protocolError, error.closeText, error.code);
}

/** Why a session ends when a frame's handling failed with `error`. */
export function closeReasonOf(error: unknown): SessionCloseReason {
  return error instanceof StompProtocolError && error.code === 'AUTHENTICATION_FAILED' ? 'authentication-failed' : 'protocol-error';
}
