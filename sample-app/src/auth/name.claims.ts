import { Injectable, type OnModuleDestroy, type OnModuleInit } from '@nestjs/common';
import type { Subscription } from 'rxjs';
import { StompBrokerRegistry, StompEvents, StompProtocolError } from '../../../lib/index.js';
import { isNamed } from './login.js';

/** What a client reads in the ERROR frame when its name is taken (the page knows this wording). */
export const NAME_IN_USE = 'Name already in use';

/**
 * One session per name. Private messages go to a user's every session, so two people who picked the
 * same name would read each other's: a CONNECT with a name that is online is refused, whoever sends
 * it. The rule is the simple one: a name is free again only when its session has ended. The same
 * tab reconnecting (a transport switch, a reload, a network blip) is not recognised here; the page
 * retries for a while instead, until the server has closed its old session.
 *
 * The name is claimed while CONNECT is handled, before the session is registered, so that two CONNECTs
 * with one name at the same moment cannot both pass; the claim goes with the session's `disconnect`
 * event, which every session gets once, connected or not.
 */
@Injectable()
export class NameClaims implements OnModuleInit, OnModuleDestroy {
  /** name → session id, and back. */
  private readonly holders = new Map<string, string>();
  private readonly names = new Map<string, string>();
  private removeListener: (() => void) | undefined;
  private released: Subscription | undefined;

  constructor(
    private readonly events: StompEvents,
    private readonly registry: StompBrokerRegistry,
  ) {}

  onModuleInit(): void {
    this.removeListener = this.events.beforeConnect(({ sessionId, principal }) => {
      if (!isNamed(principal)) return;
      const { name } = principal;
      // A guest is named after its session id: a name of that spelling is taken too.
      if (this.holders.has(name) || this.registry.sessionsOf(name).size > 0) {
        throw new StompProtocolError('AUTHENTICATION_FAILED', NAME_IN_USE);
      }
      this.holders.set(name, sessionId);
      this.names.set(sessionId, name);
    });
    this.released = this.events.on('disconnect').subscribe(({ sessionId }) => {
      const name = this.names.get(sessionId);
      if (name === undefined) return;
      this.names.delete(sessionId);
      this.holders.delete(name);
    });
  }

  onModuleDestroy(): void {
    this.removeListener?.();
    this.released?.unsubscribe();
  }
}
