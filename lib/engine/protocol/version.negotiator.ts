import { StompProtocolError } from '../errors/protocol.error.js';
import type { StompVersion } from '../../interfaces/stomp-frame.interface.js';
import { CLIENT_MESSAGES } from '../stomp.messages.js';

/** Versions this server speaks, preferred first. */
export const SUPPORTED_VERSIONS: readonly StompVersion[] = ['1.2', '1.1', '1.0'];

/**
 * Picks the highest common version from a CONNECT `accept-version` header. An absent header
 * means a 1.0 client (STOMP 1.1 spec, "Protocol Negotiation"); Spring rejects it, we do not.
 */
export function negotiateVersion(acceptVersion: string | undefined): StompVersion {
  if (acceptVersion === undefined) return '1.0';
  const offered = new Set(acceptVersion.split(',').map((item) => item.trim()));
  const common = SUPPORTED_VERSIONS.find((version) => offered.has(version));
  if (common === undefined) {
    throw new StompProtocolError('UNSUPPORTED_VERSION', CLIENT_MESSAGES.unsupportedVersion, {
      version: '1.0,1.1,1.2',
    });
  }
  return common;
}
