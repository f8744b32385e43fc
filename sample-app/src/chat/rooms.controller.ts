import { Controller } from '@nestjs/common';
import {
  DestinationVariable,
  MessageMapping,
  Payload,
  Principal,
  SendTo,
  StompSession,
  SubscribeMapping,
  type StompPrincipal,
} from '../../../lib/index.js';
import { RoomMessageDto, validChat } from './chat.dto.js';
import type { RoomEvent, RoomSnapshot } from './chat.model.js';
import { ChatRooms } from './chat.rooms.js';
import { RoomIdPipe } from './room-id.pipe.js';

/**
 * The original's single room generalised: `/dap/rooms/{roomId}/send` reaches every subscriber of
 * `/topic/rooms/{roomId}`, with join and leave notices in between.
 */
@Controller()
export class RoomsController {
  constructor(private readonly rooms: ChatRooms) {}

  /** Who is in the room and its recent history, to the subscriber only. */
  @SubscribeMapping('/rooms/{roomId}')
  snapshot(@DestinationVariable('roomId', RoomIdPipe) roomId: string): RoomSnapshot {
    return this.rooms.snapshot(roomId);
  }

  @MessageMapping('/rooms/{roomId}/join')
  @SendTo('/topic/rooms/{roomId}')
  join(@DestinationVariable('roomId', RoomIdPipe) roomId: string, @StompSession() session: StompSession): RoomEvent | undefined {
    return this.rooms.join(roomId, session.id, session.userName);
  }

  @MessageMapping('/rooms/{roomId}/leave')
  @SendTo('/topic/rooms/{roomId}')
  leave(@DestinationVariable('roomId', RoomIdPipe) roomId: string, @StompSession() session: StompSession): RoomEvent | undefined {
    return this.rooms.leave(roomId, session.id);
  }

  @MessageMapping('/rooms/{roomId}/send')
  @SendTo('/topic/rooms/{roomId}')
  send(
    @DestinationVariable('roomId', RoomIdPipe) roomId: string,
    @Payload(validChat) message: RoomMessageDto,
    @Principal() user: StompPrincipal,
    @StompSession() session: StompSession,
  ): RoomEvent {
    return this.rooms.say(roomId, session.id, user.name, message.sendMessage.trim());
  }
}
