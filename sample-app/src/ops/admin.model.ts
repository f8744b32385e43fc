/** One closed session, as the operator page lists it. */
export interface ClosedSession {
  time: number;
  user: string;
  transport: string;
  reason: string;
}

/** What `/topic/admin/stats` carries once a second. */
export interface AdminStats {
  time: number;
  sessionsByTransport: Record<string, number>;
  sessions: number;
  subscriptions: number;
  /** Per second over the last period. */
  deliveriesPerSecond: number;
  framesInPerSecond: number;
  framesOutPerSecond: number;
  /** Running totals since start. */
  delivered: number;
  sessionsOpened: number;
  /** Destinations with the most subscribers, most first. */
  topDestinations: { destination: string; subscribers: number }[];
  closeReasons: Record<string, number>;
  /** Newest first. */
  recentCloses: ClosedSession[];
  /** Frames waiting behind busy handlers, and messages dropped under drop-oldest, over every live session. */
  inboundBacklogFrames: number;
  inboundBacklogBytes: number;
  droppedMessages: number;
  /** Point-to-point queues (STOMP_QUEUES) with the most messages held, most first. */
  topQueues: { destination: string; depth: number; unacked: number; consumers: number }[];
  /** Over every queue: messages waiting for a consumer, and delivered but not yet acknowledged. */
  queued: number;
  unacked: number;
}

/** What a page subscribing to `/dap/admin/stats` gets at once: the last minute, then `/topic/admin/stats` follows. */
export interface AdminSnapshot {
  history: AdminStats[];
}
