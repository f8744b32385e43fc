import type { MessageFrames } from '../../interfaces/message-broker.interface.js';
import type { StompVersion } from '../../interfaces/stomp-frame.interface.js';
import type { AckMode } from '../../interfaces/stomp-session.interface.js';
import { messagePrefix } from '../protocol/frame.serializer.js';

/**
 * The MESSAGE frames of one session's broker deliveries. Each subscription's frame start (command,
 * escaped subscription id) is encoded on its first delivery and reused: per message only the id is
 * written. Bounded by the session's subscriptions: an entry for an id no longer subscribed is cleared.
 */
export class DeliveryFrames {
  private readonly prefixes = new Map<string, Buffer>();

  constructor(
    private readonly version: StompVersion,
    private readonly textOnly: boolean,
    private readonly subscriptions: ReadonlyMap<string, unknown>,
  ) {}

  /**
   * `messageId`: ASCII with nothing to escape; none for a fan-out's frame shared with other sessions (renderShared). The ack
   * header (the id again) only where STOMP 1.2 and the subscription's mode want it.
   */
  render(template: MessageFrames, subscriptionId: string, messageId: string | undefined, ackMode: AckMode): Buffer {
    if (messageId === undefined) return template.renderShared(subscriptionId, this.version, this.textOnly);
    const withAck = ackMode !== 'auto' && this.version === '1.2';
    return template.renderPrefixed(this.prefix(subscriptionId), messageId, this.version, withAck, this.textOnly);
  }

  forget(subscriptionId: string): void {
    this.prefixes.delete(subscriptionId);
  }

  private prefix(subscriptionId: string): Buffer {
    let prefix = this.prefixes.get(subscriptionId);
    if (prefix === undefined) {
      prefix = messagePrefix(subscriptionId, this.version);
      // Ids no longer subscribed (a delivery racing its UNSUBSCRIBE) go once they outnumber the live ones.
      if (this.prefixes.size > this.subscriptions.size) this.prefixes.clear();
      this.prefixes.set(subscriptionId, prefix);
    }
    return prefix;
  }
}
