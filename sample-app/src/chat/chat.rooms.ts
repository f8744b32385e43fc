import { Injectable } from '@nestjs/common';
import { StompException } from '../../../lib/index.js';
import type { RoomEvent, RoomSnapshot } from './chat.model.js';

/** Rooms with state kept at once, and messages of history kept per room (both bound the memory a client can claim). */
const MAX_ROOMS = 100;
const KEPT_HISTORY = 50;

interface Room {
  /** session id → user name: a user with two tabs open is one member with two sessions. */
  sessions: Map<string, string>;
  history: RoomEvent[];
}

/**
 * Who is in which room, and what was said lately. Joining and leaving are per session; the
 * notices are per user, so a second tab of the same user announces nothing.
 */
@Injectable()
export class ChatRooms {
  private readonly rooms = new Map<string, Room>();
  /** Sessions that have closed but still hold their user's place in their rooms until `leaveAll`. */
  private readonly closed = new Set<string>();
  private lastEventId = 0;

  /**
   * Adds the session; a notice when its user was not in the room yet. A closed session of the same
   * user (a page that switched transport or reconnected) hands its place over, silently.
   */
  join(roomId: string, sessionId: string, user: string): RoomEvent | undefined {
    const room = this.roomFor(roomId);
    const wasThere = this.isMember(room, user);
    for (const [other, name] of room.sessions) if (name === user && this.closed.has(other)) room.sessions.delete(other);
    room.sessions.set(sessionId, user);
    return wasThere ? undefined : this.record(roomId, room, { kind: 'join', sender: user });
  }

  /** The session is gone, but its user stays a member of its rooms (no notice) until `leaveAll`. */
  markClosed(sessionId: string): void {
    this.closed.add(sessionId);
  }

  /** Removes the session; a notice when that was its user's last session in the room. */
  leave(roomId: string, sessionId: string): RoomEvent | undefined {
    const room = this.rooms.get(roomId);
    const user = room?.sessions.get(sessionId);
    if (!room || user === undefined) return undefined;
    room.sessions.delete(sessionId);
    return this.isMember(room, user) ? undefined : this.record(roomId, room, { kind: 'leave', sender: user });
  }

  /** Removes a closed session from every room; the notices to send. */
  leaveAll(sessionId: string): RoomEvent[] {
    this.closed.delete(sessionId);
    const notices: RoomEvent[] = [];
    for (const [roomId, room] of this.rooms) {
      if (!room.sessions.has(sessionId)) continue;
      const notice = this.leave(roomId, sessionId);
      if (notice) notices.push(notice);
    }
    return notices;
  }

  /** A message from a member of the room. */
  say(roomId: string, sessionId: string, user: string, sendMessage: string): RoomEvent {
    const room = this.rooms.get(roomId);
    if (!room?.sessions.has(sessionId)) throw new StompException(`Join room '${roomId}' before sending to it`);
    return this.record(roomId, room, { kind: 'message', sender: user, sendMessage });
  }

  snapshot(roomId: string): RoomSnapshot {
    const room = this.rooms.get(roomId);
    if (!room) return { roomId, members: [], history: [], lastEventId: 0 };
    return { roomId, members: this.members(room), history: [...room.history], lastEventId: room.history.at(-1)?.id ?? 0 };
  }

  private roomFor(roomId: string): Room {
    let room = this.rooms.get(roomId);
    if (room) return room;
    if (this.rooms.size >= MAX_ROOMS) this.evictAnEmptyRoom();
    room = { sessions: new Map(), history: [] };
    this.rooms.set(roomId, room);
    return room;
  }

  private evictAnEmptyRoom(): void {
    for (const [roomId, room] of this.rooms) {
      if (room.sessions.size === 0) {
        this.rooms.delete(roomId);
        return;
      }
    }
    throw new StompException('Every room is in use: join an existing one');
  }

  private record(roomId: string, room: Room, event: Pick<RoomEvent, 'kind' | 'sender' | 'sendMessage'>): RoomEvent {
    const full: RoomEvent = { id: ++this.lastEventId, ...event, roomId, members: this.members(room), time: Date.now() };
    room.history.push(full);
    if (room.history.length > KEPT_HISTORY) room.history.shift();
    return full;
  }

  private members(room: Room): string[] {
    return [...new Set(room.sessions.values())].sort((a, b) => a.localeCompare(b));
  }

  private isMember(room: Room, user: string): boolean {
    for (const name of room.sessions.values()) if (name === user) return true;
    return false;
  }
}
