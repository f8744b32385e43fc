import { Injectable, type PipeTransform } from '@nestjs/common';
import { StompException } from '../../../lib/index.js';
import { ROOM_ID, ROOM_RULE } from './chat.dto.js';

/** Checks the `{roomId}` of a room destination before any handler uses it. */
@Injectable()
export class RoomIdPipe implements PipeTransform<string, string> {
  transform(roomId: string): string {
    if (!ROOM_ID.test(roomId)) throw new StompException(ROOM_RULE);
    return roomId;
  }
}
