import type { MessageDispatcher } from '../message.dispatcher.js';
import { convertPayload, messageHeaders } from './payload.converter.js';

/** Headers a caller may add to a pushed message (values are turned into strings). */
export type TemplateHeaders = Record<string, string | number | boolean>;

/**
 * Pushes messages to subscribers from anywhere in the app (a service, an `@Interval` job):
 * Spring's `SimpMessagingTemplate`. Inject it by class.
 */
export class SimpMessagingTemplate {
  constructor(private readonly dispatcher: MessageDispatcher) {}

  /**
   * Converts `payload` (object → JSON, string → text, Buffer → bytes) and sends it to every
   * subscriber of `destination`. Resolves to the number of deliveries made.
   */
  async convertAndSend(destination: string, payload: unknown, headers?: TemplateHeaders): Promise<number> {
    if (!this.dispatcher.isBrokerDestination(destination)) {
      throw new Error(`SimpMessagingTemplate: '${destination}' is not a broker destination; brokerPrefixes are what subscribers can listen on`);
    }
    const converted = convertPayload(payload);
    return this.dispatcher.publish(destination, messageHeaders(converted, headers), converted.body);
  }
}
