import { Controller, Inject } from '@nestjs/common';
import {
  MessageMapping,
  Payload,
  Principal,
  SendToUser,
  SimpMessagingTemplate,
  StompBrokerRegistry,
  StompException,
  SubscribeMapping,
  type StompPrincipal,
} from '../../../lib/index.js';
import { stompConfig, type StompConfig } from '../config/stomp.config.js';
import { PrivateMessageDto, validChat } from './chat.dto.js';
import type { OnlineUsers, PrivateMessage } from './chat.model.js';
import { PresenceService } from './presence.service.js';

/** Private messages (to one user's `/user/queue/messages`, and nobody else's) and the list of who is online. */
@Controller()
export class DirectController {
  constructor(
    private readonly template: SimpMessagingTemplate,
    private readonly registry: StompBrokerRegistry,
    private readonly presence: PresenceService,
    @Inject(stompConfig.KEY) private readonly stomp: StompConfig,
  ) {}

  /** The users online now, to the subscriber of `/dap/users`; changes follow on `/topic/users`. */
  @SubscribeMapping('/users')
  users(): OnlineUsers {
    return this.presence.online();
  }

  /** Delivers to every session of the recipient, and returns a copy to every session of the sender. */
  @MessageMapping('/private')
  @SendToUser('/queue/messages')
  async send(@Payload(validChat) message: PrivateMessageDto, @Principal() user: StompPrincipal): Promise<PrivateMessage> {
    // In a cluster the recipient may be on another node, which this one cannot see: RabbitMQ drops a message for nobody.
    if (!this.stomp.relay && this.registry.sessionsOf(message.to).size === 0) throw new StompException(`${message.to} is not online`);
    const sent: PrivateMessage = {
      kind: 'private',
      sender: user.name,
      to: message.to,
      sendMessage: message.sendMessage.trim(),
      time: Date.now(),
    };
    if (message.to !== user.name) await this.template.convertAndSendToUser(message.to, '/queue/messages', sent);
    return sent;
  }
}
