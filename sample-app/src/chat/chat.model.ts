/** What every page in a room sees: a message, or someone joining or leaving. */
export interface RoomEvent {
  /** Increasing (across rooms), so a page can merge history and live events without duplicates. */
  id: number;
  kind: 'message' | 'join' | 'leave';
  roomId: string;
  sender: string;
  /** Set for `message`. */
  sendMessage?: string;
  /** Who is in the room after this event. */
  members: string[];
  time: number;
}

/** A private message, delivered to `/user/queue/messages` of both people in the conversation. */
export interface PrivateMessage {
  kind: 'private';
  sender: string;
  to: string;
  sendMessage: string;
  time: number;
}

/** Answer to a subscription to `/dap/rooms/{roomId}`: who is there and what was said lately. */
export interface RoomSnapshot {
  roomId: string;
  members: string[];
  history: RoomEvent[];
  /** Id of the room's latest event (0 for none): `members` is as of that event. */
  lastEventId: number;
}

/** Who is online (`/dap/users`, then `/topic/users` on every change); a higher version is newer. */
export interface OnlineUsers {
  version: number;
  users: string[];
}
