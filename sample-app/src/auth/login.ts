import { StompProtocolError, type StompConnectInfo, type StompPrincipal } from '../../../lib/index.js';

/** Longest display name, in characters. */
export const MAX_NAME_LENGTH = 32;

/** What a refused client reads in the ERROR frame's `message` header. */
export const NAME_RULE = `Name must be 1 to ${MAX_NAME_LENGTH} characters`;

/** A session that connected without a `login` header: it may watch the dashboard and read the chat. */
export interface GuestPrincipal extends StompPrincipal {
  guest: true;
}

/**
 * The `authenticate` hook. The original page connects with `client.connect({}, ...)`, no `login`
 * header at all: that is a guest, named after its session id as Spring names anonymous sessions
 * (so its `/user/queue/errors` is its own). With a `login` header, the header is the display name;
 * no password in a sample; an empty (or blank) or overlong name is refused with a message the page
 * can show.
 */
export function loginByName({ headers, sessionId }: StompConnectInfo): StompPrincipal {
  if (headers.login === undefined) return { name: sessionId, guest: true } satisfies GuestPrincipal;
  const name = headers.login.trim();
  const length = [...name].length;
  if (length < 1 || length > MAX_NAME_LENGTH) throw new StompProtocolError('AUTHENTICATION_FAILED', NAME_RULE);
  return { name };
}

/** Whether a session logged in with a name (what chatting needs); the authorization rules ask this. */
export function isNamed(principal: StompPrincipal | undefined): principal is StompPrincipal {
  return principal !== undefined && principal.guest !== true;
}
