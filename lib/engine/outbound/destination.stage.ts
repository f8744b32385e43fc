import type { BrokerMessage } from '../../interfaces/message-broker.interface.js';

/** Hands a message on to the broker's fan-out (or to the next stage). */
export type PublishNext = (message: BrokerMessage) => number | Promise<number>;

/**
 * The seam per destination where delivery features plug in (history and resume, conflation;
 * point-to-point queues need SUBSCRIBE and ACK too, so they live in the broker): a stage sees every message to the destinations it claims before the
 * broker fans it out, and may keep, merge, hold or pass it on. Without stages a publish goes
 * straight to the broker.
 */
export interface DestinationStage {
  claims(destination: string): boolean;
  publish(message: BrokerMessage, next: PublishNext): number | Promise<number>;
}
