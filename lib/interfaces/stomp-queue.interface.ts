/** One point-to-point queue (a destination matching the `queues` option) as the broker registry shows it. */
export interface StompQueueView {
  destination: string;
  /** Messages waiting for a consumer with room (sent while nobody subscribed, or every consumer was at its prefetch). */
  depth: number;
  /** Messages delivered to `client` / `client-individual` consumers and not yet acknowledged. */
  unacked: number;
  /** Bytes held (waiting and unacknowledged together), as counted against `queueBytesLimit`. */
  bytes: number;
  consumers: number;
  /** Messages handed back for redelivery (NACK, UNSUBSCRIBE or end of session before the ACK). */
  redeliveries: number;
  /** SENDs refused with QUEUE_FULL since the queue was last created. */
  refused: number;
  /** MESSAGE frames sent from this queue (redeliveries included). */
  delivered: number;
  /** Messages taken out after `queueDeliveryLimit` deliveries without an ACK (sent to `queueDeadLetterDestination` when set). */
  deadLettered: number;
}

/**
 * The queues one `queues` pattern claims, summed: what metrics label by (a bounded set, the configured
 * patterns), where queue names are the clients' choice.
 */
export interface StompQueueTotals {
  pattern: string;
  queues: number;
  depth: number;
  unacked: number;
  bytes: number;
}

/** What the history keeps for the destinations one `history` rule claims (its `destination` pattern), summed. */
export interface StompHistoryTotals {
  pattern: string;
  destinations: number;
  messages: number;
  /** As counted against `historyBytesLimit`. */
  bytes: number;
}
