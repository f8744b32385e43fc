import { StompProtocolError, type StompConnectInfo, type StompPrincipal } from '../../../lib/index.js';

/** Longest display name, in characters. */
export const MAX_NAME_LENGTH = 32;

/** What a refused client reads in the ERROR frame's `message` header. */
export const NAME_RULE = `Name must be 1 to ${MAX_NAME_LENGTH} characters`;

/**
 * The `authenticate` hook: the CONNECT frame's `login` header is the user's display name. No password
 * in a sample; an empty (or blank) or overlong name is refused with a message the page can show.
 */
export function loginByName({ headers }: StompConnectInfo): StompPrincipal {
  const name = (headers.login ?? '').trim();
  const length = [...name].length;
  if (length < 1 || length > MAX_NAME_LENGTH) throw new StompProtocolError('AUTHENTICATION_FAILED', NAME_RULE);
  return { name };
}
