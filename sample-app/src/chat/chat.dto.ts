import { ValidationPipe } from '@nestjs/common';
import { IsOptional, IsString, Length, Matches } from 'class-validator';
import { MAX_NAME_LENGTH } from '../auth/login.js';

/** Longest chat message, in characters. */
export const MAX_MESSAGE_LENGTH = 500;

/** Room names: what fits in a destination segment and reads well in a tab. */
export const ROOM_ID = /^[a-z0-9][a-z0-9-]{0,23}$/;
export const ROOM_RULE = 'roomId must be 1 to 24 lowercase letters, digits or dashes';

const NOT_BLANK = /\S/;

/** The original write-up's `MessageVO`, sent to `/dap/hello`. */
export class MessageVO {
  @IsOptional()
  @Matches(ROOM_ID, { message: ROOM_RULE })
  roomId?: string;

  @IsString()
  @Length(1, MAX_NAME_LENGTH)
  sender!: string;

  @IsString()
  @Length(1, MAX_MESSAGE_LENGTH)
  @Matches(NOT_BLANK, { message: 'sendMessage must not be blank' })
  sendMessage!: string;
}

/** A message to a room (`/dap/rooms/{roomId}/send`); the sender is the logged-in user, never the payload. */
export class RoomMessageDto {
  @IsString()
  @Length(1, MAX_MESSAGE_LENGTH)
  @Matches(NOT_BLANK, { message: 'sendMessage must not be blank' })
  sendMessage!: string;
}

/** A private message to one user (`/dap/private`). */
export class PrivateMessageDto {
  @IsString()
  @Length(1, MAX_NAME_LENGTH)
  to!: string;

  @IsString()
  @Length(1, MAX_MESSAGE_LENGTH)
  @Matches(NOT_BLANK, { message: 'sendMessage must not be blank' })
  sendMessage!: string;
}

/** Validation for the sample's own chat payloads: DTO instances out, unknown properties refused with a readable message. */
export const validChat = new ValidationPipe({ transform: true, whitelist: true, forbidNonWhitelisted: true });

/**
 * Validation for the original `MessageVO`: unknown properties are dropped, not refused, as Spring Boot's
 * Jackson (`FAIL_ON_UNKNOWN_PROPERTIES` off) dropped them, so the original page's payloads still pass;
 * the known properties are still checked.
 */
export const validOriginal = new ValidationPipe({ transform: true, whitelist: true });
