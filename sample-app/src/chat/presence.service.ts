import { Injectable, Logger, type OnModuleDestroy, type OnModuleInit } from '@nestjs/common';
import { Subscription } from 'rxjs';
import { SimpMessagingTemplate, StompBrokerRegistry, StompEvents, StompPublishes } from '../../../lib/index.js';
import { isNamed } from '../auth/login.js';
import { TOPIC_PREFIX } from '../config/stomp.config.js';
import type { OnlineUsers } from './chat.model.js';
import { ChatRooms } from './chat.rooms.js';

/**
 * How long a closed session's user stays in its rooms before "X left" goes out. A page that switches
 * transport or reconnects comes back within it under the same name, and the room sees nothing.
 */
export const LEAVE_GRACE_MS = 3000;

/**
 * Keeps pages told who is online (`/topic/users`), and turns a closed session (tab closed,
 * network lost) into leave notices in the rooms it had joined, once its user has not come back to
 * them within LEAVE_GRACE_MS.
 */
@StompPublishes('/topic/users', { description: 'Who is online (named users), numbered: keep the highest version' })
@StompPublishes('/topic/rooms/{roomId}', { description: 'Leave notices for the rooms a closed session had joined' })
@Injectable()
export class PresenceService implements OnModuleInit, OnModuleDestroy {
  private readonly logger = new Logger(PresenceService.name);
  private readonly subscriptions = new Subscription();
  private current: OnlineUsers = { version: 0, users: [] };
  /** Closed session id → the timer that announces its leaves. */
  private readonly pendingLeaves = new Map<string, NodeJS.Timeout>();

  constructor(
    private readonly events: StompEvents,
    private readonly registry: StompBrokerRegistry,
    private readonly rooms: ChatRooms,
    private readonly template: SimpMessagingTemplate,
  ) {}

  /**
   * Who is online now, numbered: a page keeps the list with the highest version, so an answer to
   * `/dap/users` that arrives after a newer `/topic/users` push cannot undo it.
   */
  online(): OnlineUsers {
    this.announceUsers();
    return this.current;
  }

  onModuleInit(): void {
    this.subscriptions.add(this.events.on('connected').subscribe(() => this.announceUsers()));
    this.subscriptions.add(
      this.events.on('disconnect').subscribe(({ sessionId }) => {
        this.rooms.markClosed(sessionId);
        this.pendingLeaves.set(
          sessionId,
          setTimeout(() => this.leaveRooms(sessionId), LEAVE_GRACE_MS),
        );
        this.announceUsers();
      }),
    );
  }

  onModuleDestroy(): void {
    this.subscriptions.unsubscribe();
    for (const timer of this.pendingLeaves.values()) clearTimeout(timer);
    this.pendingLeaves.clear();
  }

  /** Rooms the user came back to within the grace were handed to the new session already: no notice there. */
  private leaveRooms(sessionId: string): void {
    this.pendingLeaves.delete(sessionId);
    for (const notice of this.rooms.leaveAll(sessionId)) this.push(`${TOPIC_PREFIX}rooms/${notice.roomId}`, notice);
  }

  /** Guests (dashboard watchers, chat readers) are not listed: nobody can write to them. */
  private announceUsers(): void {
    const users = this.registry
      .users()
      .filter((user) => [...this.registry.sessionsOf(user)].some((session) => isNamed(session.principal)))
      .sort((a, b) => a.localeCompare(b));
    if (JSON.stringify(users) === JSON.stringify(this.current.users)) return;
    this.current = { version: this.current.version + 1, users };
    this.push(`${TOPIC_PREFIX}users`, this.current);
  }

  private push(destination: string, payload: object): void {
    this.template.convertAndSend(destination, payload).catch((error: unknown) => {
      this.logger.error(`Could not push to ${destination}: ${String(error)}`);
    });
  }
}
