/**
 * An error meant for the client: thrown from a STOMP handler (or a guard, pipe, filter), its message
 * reaches the sender's error destination as is. Anything not meant for clients becomes "Internal error".
 */
export class StompException extends Error {
  override readonly name = 'StompException';

  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
  }
}
