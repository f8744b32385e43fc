import { ROUTE_ARGS_METADATA } from '@nestjs/common/constants.js';

/** `@MessageMapping` destinations, on a method or (as prefixes) on a class. */
export const MESSAGE_MAPPING_METADATA = 'stomp:message_mapping';
/** `@SubscribeMapping` destinations on a method. */
export const SUBSCRIBE_MAPPING_METADATA = 'stomp:subscribe_mapping';
/** `@SendTo` destinations (empty = the default broker destination). */
export const SEND_TO_METADATA = 'stomp:send_to';
/** `@SendToUser` destinations and broadcast flag. */
export const SEND_TO_USER_METADATA = 'stomp:send_to_user';

/**
 * Parameter metadata lives under Nest's own key (as in @nestjs/microservices and websockets), so
 * `createParamDecorator` decorators and class-based param pipes work on STOMP handlers too.
 */
export const STOMP_ARGS_METADATA = ROUTE_ARGS_METADATA;

/**
 * Parameter kinds. SESSION and PAYLOAD reuse the numbers of Nest's `@ConnectedSocket()` and
 * `@MessageBody()`, so those decorators resolve the same values; ours start at 100 to stay apart.
 */
export enum StompParamtype {
  SESSION = 0,
  PAYLOAD = 3,
  HEADER = 100,
  HEADERS = 101,
  DESTINATION_VARIABLE = 102,
  PRINCIPAL = 103,
}

/** Spring's defaults: `@SendTo` → `/topic` + destination when no broker prefix is configured, `@SendToUser` → `/queue` + destination. */
export const DEFAULT_SEND_TO_PREFIX = '/topic';
export const DEFAULT_SEND_TO_USER_PREFIX = '/queue';
/** Where a gateway's reply goes when the SEND names no `reply-to`. */
export const DEFAULT_GATEWAY_REPLY_DESTINATION = '/user/queue/reply';
