/** Thrown at bootstrap when the module's options cannot work; the message says what to write instead. */
export class StompOptionsError extends Error {
  override readonly name = 'StompOptionsError';
}
