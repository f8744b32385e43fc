import type { ArgumentsHost } from '@nestjs/common';
import type { StompHeaders } from '../protocol/frame.model.js';
import { STOMP_CONTEXT_TYPE } from '../stomp.constants.js';

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

/** True when `host` is a STOMP handler invocation (`getType() === 'stomp'`). */
export function isStompContext(host: ArgumentsHost): boolean {
  return host.getType<string>() === STOMP_CONTEXT_TYPE;
}
