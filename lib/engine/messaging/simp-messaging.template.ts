import type { DestinationPrefixes } from '../inbound/destination.prefixes.js';
import type { OutboundPath } from '../outbound/outbound.path.js';
import { convertPayload, messageHeaders } from './payload.converter.js';
import type { TemplateHeaders } from '../../interfaces/stomp-template.interface.js';

/**
 * Pushes messages to subscribers from anywhere in the app (a service, an `@Interval` job):
 * Spring's `SimpMessagingTemplate`. Inject it by class. It converts the payload and hands it to the
 * one outbound path, as every other sender does.
 */
export class SimpMessagingTemplate {
  constructor(
    private readonly prefixes: DestinationPrefixes,
    private readonly outbound: OutboundPath,
  ) {}

  /**
   * Converts `payload` (object → JSON, string → text, Buffer → bytes) and sends it to every
   * subscriber of `destination`. Resolves to the number of deliveries made.
   */
  async convertAndSend(destination: string, payload: unknown, headers?: TemplateHeaders): Promise<number> {
    if (!this.prefixes.isBrokerDestination(destination)) {
      throw new Error(`SimpMessagingTemplate: '${destination}' is not a broker destination; brokerPrefixes are what subscribers can listen on`);
    }
    const converted = convertPayload(payload);
    return this.outbound.publish({ destination, headers: messageHeaders(converted, headers), body: converted.body });
  }

  /**
   * Sends to every session of `user` subscribed to the user destination `/user<destination>`
   * (e.g. user 'ana', '/queue/messages' → her subscriptions to '/user/queue/messages'), and to no one else.
   */
  async convertAndSendToUser(user: string, destination: string, payload: unknown, headers?: TemplateHeaders): Promise<number> {
    const converted = convertPayload(payload);
    return this.outbound.toUser(user, destination, messageHeaders(converted, headers), converted.body);
  }

  /** Like convertAndSendToUser, but only to one session (Spring's `@SendToUser(broadcast = false)`). */
  async convertAndSendToSession(sessionId: string, destination: string, payload: unknown, headers?: TemplateHeaders): Promise<number> {
    const converted = convertPayload(payload);
    return this.outbound.toSession(sessionId, destination, messageHeaders(converted, headers), converted.body);
  }
}
