import type { StompPrincipal } from './stomp-principal.interface.js';

/** What a client asks to do with a destination. */
export type DestinationAction = 'subscribe' | 'send';

/** Decides one action: a fixed answer, or a function of the user and destination. */
export type AuthorizationDecision = boolean | ((principal: StompPrincipal | undefined, destination: string) => boolean | Promise<boolean>);

/** One line of the `authorization` option; the first rule that matches a destination and names the action decides. */
export interface StompAuthorizationRule {
  /** Ant patterns (`/topic/admin/**`). */
  destination: string | string[];
  subscribe?: AuthorizationDecision;
  send?: AuthorizationDecision;
}
