import { StompProtocolError } from '../errors/protocol.error.js';
import { CLIENT_MESSAGES } from '../stomp.messages.js';

/** The prefixes that decide where a destination belongs (Spring's `setApplicationDestinationPrefixes` and friends). */
export interface PrefixOptions {
  appPrefixes: readonly string[];
  brokerPrefixes: readonly string[];
  /** With its trailing slash, e.g. `/user/`. */
  userDestinationPrefix: string;
}

/** Classifies a destination as the application's, the broker's or a user's; nothing else decides it. */
export class DestinationPrefixes {
  constructor(private readonly options: PrefixOptions) {}

  /** The destination without its application prefix (keeping the leading '/'), or undefined when it has none. */
  applicationDestination(destination: string): string | undefined {
    for (const prefix of this.options.appPrefixes) {
      if (destination.startsWith(prefix)) return destination.slice(prefix.length - 1);
    }
    return undefined;
  }

  isUserDestination(destination: string): boolean {
    return destination.startsWith(this.options.userDestinationPrefix);
  }

  /** True for destinations the broker owns: under a broker prefix, or (with none configured) anything that is not the app's or a user's. */
  isBrokerDestination(destination: string): boolean {
    const prefixes = this.options.brokerPrefixes;
    if (prefixes.length > 0) return prefixes.some((p) => destination.startsWith(p));
    return this.applicationDestination(destination) === undefined && !this.isUserDestination(destination);
  }

  requireBrokerDestination(destination: string): void {
    if (!this.isBrokerDestination(destination)) {
      throw new StompProtocolError('UNKNOWN_DESTINATION', CLIENT_MESSAGES.unknownDestination(destination));
    }
  }
}
