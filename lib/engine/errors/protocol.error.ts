import type { ProtocolErrorCode } from '../../interfaces/stomp-error.interface.js';

/**
 * A protocol violation or limit hit by a client. Its `message` is written for the client
 * (it becomes the ERROR frame's `message` header), so it never carries internal detail.
 */
export class StompProtocolError extends Error {
  override readonly name = 'StompProtocolError';

  constructor(
    readonly code: ProtocolErrorCode,
    message: string,
    /** Extra headers for the ERROR frame, e.g. `version` when no common version exists. */
    readonly headers: Record<string, string> = {},
    /** False for refusals the app reports on the error destination while the session goes on. */
    readonly fatal = true,
  ) {
    super(message);
  }
}

const MAX_ECHOED_CHARS = 40;

/** Shortens client-supplied text before it is echoed in an ERROR message. */
export function clipForError(text: string): string {
  return text.length > MAX_ECHOED_CHARS ? `${text.slice(0, MAX_ECHOED_CHARS)}...` : text;
}
