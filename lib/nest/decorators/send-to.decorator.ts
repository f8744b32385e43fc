import { SetMetadata } from '@nestjs/common';
import { SEND_TO_METADATA, SEND_TO_USER_METADATA } from '../handlers/handler.constants.js';

/** Options of `@SendToUser`. */
export interface SendToUserOptions {
  /** Every session of the user (true, default) or only the session that sent the message. */
  broadcast?: boolean;
}

/** What `@SendToUser` stores. */
export interface SendToUserMetadata {
  destinations: string[];
  broadcast: boolean;
}

function list(destination: string | string[] | undefined): string[] {
  if (destination === undefined) return [];
  return Array.isArray(destination) ? destination : [destination];
}

/**
 * Broadcasts the handler's return value to `destination` (`{var}` filled from the incoming one);
 * without one, to the first broker prefix plus the incoming destination. On a class: for every method without its own.
 */
export function SendTo(destination?: string | string[]): ClassDecorator & MethodDecorator {
  return SetMetadata(SEND_TO_METADATA, list(destination));
}

/**
 * Sends the handler's return value to the sending user's sessions subscribed to `/user<destination>`
 * (default `/queue` + the incoming destination); `{ broadcast: false }` reaches only the sending session.
 */
export function SendToUser(
  destination?: string | string[] | SendToUserOptions,
  options: SendToUserOptions = {},
): ClassDecorator & MethodDecorator {
  const optionsFirst = typeof destination === 'object' && !Array.isArray(destination);
  const metadata: SendToUserMetadata = {
    destinations: optionsFirst ? [] : list(destination),
    broadcast: (optionsFirst ? destination : options).broadcast ?? true,
  };
  return SetMetadata(SEND_TO_USER_METADATA, metadata);
}
