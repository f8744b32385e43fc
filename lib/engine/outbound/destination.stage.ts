import type { BrokerMessage, BrokerSubscriber } from '../../interfaces/message-broker.interface.js';
import type { StompHeaders } from '../../interfaces/stomp-frame.interface.js';
import type { AckMode } from '../../interfaces/stomp-session.interface.js';
import type { StompSession } from '../session/stomp.session.js';

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
  /**
   * The subscription side of the seam: a stage may stand between the broker and a new broker
   * subscription (its SUBSCRIBE headers say how), e.g. to replay what it kept before the live messages.
   * Asked for every broker subscription, claimed destination or not, so it can refuse bad headers.
   */
  attach?(
    session: StompSession,
    subscriptionId: string,
    destination: string,
    ackMode: AckMode,
    headers: StompHeaders,
  ): StageAttachment | undefined;
}

/** What the broker subscribes instead of the session, and what runs once the broker subscription is live. */
export interface StageAttachment {
  subscriber: BrokerSubscriber;
  /** The SUBSCRIBE is done (RECEIPT, next frame) once this settles. */
  start(): void | Promise<void>;
}
