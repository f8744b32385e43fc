import type { DestinationPrefixes } from '../inbound/destination.prefixes.js';
import type { OutboundPath } from '../outbound/outbound.path.js';
import { convertPayload, messageHeaders, type ConvertedPayload } from './payload.converter.js';
import type { StompHeaders } from '../../interfaces/stomp-frame.interface.js';

/** Adds headers to an outgoing message before it is serialised. */
export type OutboundHeaderHook = (headers: StompHeaders) => void;
import type { TemplateHeaders } from '../../interfaces/stomp-template.interface.js';
import { BOOTSTRAP_MESSAGES } from '../stomp.messages.js';

/**
 * Pushes messages to subscribers from anywhere in the app (a service, an `@Interval` job):
 * Spring's `SimpMessagingTemplate`. Inject it by class. It converts the payload and hands it to the
 * one outbound path, as every other sender does.
 */
export class SimpMessagingTemplate {
  constructor(
    private readonly prefixes: DestinationPrefixes,
    private readonly outbound: OutboundPath,
    /** Adds headers to every message it sends (the Nest shell's trace context); none by default. */
    private readonly decorate?: OutboundHeaderHook,
  ) {}

  /**
   * Converts `payload` (object → JSON, string → text, Buffer → bytes) and sends it to every
   * subscriber of `destination`. Resolves to the number of deliveries made.
   */
  async convertAndSend(destination: string, payload: unknown, headers?: TemplateHeaders): Promise<number> {
    if (!this.prefixes.isBrokerDestination(destination)) {
      throw new Error(BOOTSTRAP_MESSAGES.notABrokerDestination(destination));
    }
    const converted = convertPayload(payload);
    return this.outbound.publish({ destination, headers: this.headersOf(converted, headers), body: converted.body });
  }

  /**
   * Sends to every session of `user` subscribed to the user destination `/user<destination>`
   * (e.g. user 'ana', '/queue/messages' → her subscriptions to '/user/queue/messages'), and to no one else.
   */
  async convertAndSendToUser(user: string, destination: string, payload: unknown, headers?: TemplateHeaders): Promise<number> {
    const converted = convertPayload(payload);
    return this.outbound.toUser(user, destination, this.headersOf(converted, headers), converted.body);
  }

  /** Like convertAndSendToUser, but only to one session (Spring's `@SendToUser(broadcast = false)`). */
  async convertAndSendToSession(sessionId: string, destination: string, payload: unknown, headers?: TemplateHeaders): Promise<number> {
    const converted = convertPayload(payload);
    return this.outbound.toSession(sessionId, destination, this.headersOf(converted, headers), converted.body);
  }

  private headersOf(converted: ConvertedPayload, headers: TemplateHeaders | undefined): StompHeaders {
    const result = messageHeaders(converted, headers);
    this.decorate?.(result);
    return result;
  }
}
