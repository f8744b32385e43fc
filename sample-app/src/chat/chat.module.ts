import { Module } from '@nestjs/common';
import { ChatController } from './chat.controller.js';
import { ChatRooms } from './chat.rooms.js';
import { DirectController } from './direct.controller.js';
import { PresenceService } from './presence.service.js';
import { RoomsController } from './rooms.controller.js';

/** Chat: the original handlers, rooms with join/leave notices, private messages, who is online. */
@Module({
  controllers: [ChatController, RoomsController, DirectController],
  providers: [ChatRooms, PresenceService],
})
export class ChatModule {}
