import type { ArgumentsHost } from '@nestjs/common';
import type { StompHeaders } from '../../interfaces/stomp-frame.interface.js';
import type { StompSession } from '../../engine/session/stomp.session.js';
import { STOMP_CONTEXT_TYPE } from '../stomp.tokens.js';

/**
 * The incoming frame as a handler sees it: the third argument of every STOMP handler invocation
 * (`[session, payload, message]`), so `host.getArgByIndex(2)` in guards, interceptors and filters.
 */
export interface StompMessage {
  readonly command: 'SEND' | 'SUBSCRIBE';
  /** The destination as the client wrote it, application prefix included. */
  readonly destination: string;
  /** The destination without the application prefix: what mappings are matched against. */
  readonly lookupDestination: string;
  readonly headers: Readonly<StompHeaders>;
  readonly body: Buffer;
  /** The subscription id, for SUBSCRIBE. */
  readonly subscriptionId?: string;
  /** Values of the mapping's `{var}` placeholders. */
  readonly destinationVariables: Readonly<Record<string, string>>;
}

/**
 * An `ArgumentsHost` (or `ExecutionContext`) of a STOMP handler invocation: the client is the
 * sender's session, the data its payload, and the third argument the frame.
 */
export type StompContextHost<H extends ArgumentsHost = ArgumentsHost> = H & {
  getArgs<T extends unknown[] = [StompSession, unknown, StompMessage]>(): T;
  switchToWs(): Omit<ReturnType<ArgumentsHost['switchToWs']>, 'getClient'> & { getClient<T = StompSession>(): T };
};

/** True when `host` is a STOMP handler invocation (`getType() === 'stomp'`); narrows the client to the session. */
export function isStompContext<H extends ArgumentsHost>(host: H): host is StompContextHost<H> {
  return host.getType<string>() === STOMP_CONTEXT_TYPE;
}
