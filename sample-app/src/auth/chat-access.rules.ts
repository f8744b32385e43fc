import type { StompAuthorizationRule } from '../../../lib/index.js';
import { TOPIC_PREFIX } from '../config/stomp.config.js';
import { isNamed } from './login.js';

/** Every chat handler under the application prefix: the original three, rooms (join, leave, send), private messages. */
const CHAT_HANDLERS = ['/hello', '/in', '/out', '/rooms/**', '/private'];

/**
 * The dashboard is public, as in the original; chatting needs a name. A guest may SUBSCRIBE to the
 * rooms' topics and snapshots (read), but its SEND to any chat handler is refused before the handler
 * runs (Spring Security's `simpDestMatchers(...).authenticated()`). Nobody SENDs straight to a topic:
 * only the handlers and the server publish there, so a room message always carries its real sender.
 */
export function chatAccessRules(appPrefix: string): StompAuthorizationRule[] {
  const prefix = appPrefix.replace(/\/$/, '');
  return [
    { destination: CHAT_HANDLERS.map((handler) => `${prefix}${handler}`), send: isNamed },
    { destination: `${TOPIC_PREFIX}**`, send: false },
  ];
}
