import { Controller } from '@nestjs/common';
import { MessageMapping, Payload, SendTo } from '../../../lib/index.js';
import { MessageVO, validOriginal } from './chat.dto.js';

/**
 * The original write-up's SocketController, handler for handler: a client SENDs to `/dap/hello`,
 * `/dap/in`, `/dap/out`, and every subscriber of the matching topic receives the payload.
 */
@Controller()
export class ChatController {
  @MessageMapping('/hello')
  @SendTo('/topic/roomId')
  broadcasting(@Payload(validOriginal) message: MessageVO): MessageVO {
    return message;
  }

  @MessageMapping('/out')
  @SendTo('/topic/out')
  outroom(@Payload() message: string): string {
    return message;
  }

  @MessageMapping('/in')
  @SendTo('/topic/in')
  inroom(@Payload() message: string): string {
    return message;
  }
}
