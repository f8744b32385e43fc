import { describe, expect, it } from '@jest/globals';
import { ParseIntPipe } from '@nestjs/common';
import { DestinationVariable, MessageMapping, Payload, SendTo, SendToUser, SubscribeMapping } from '../../../lib/index.js';
import {
  MESSAGE_MAPPING_METADATA,
  SEND_TO_METADATA,
  SEND_TO_USER_METADATA,
  STOMP_ARGS_METADATA,
  SUBSCRIBE_MAPPING_METADATA,
  StompParamtype,
} from '../../../lib/nest/handlers/handler.constants.js';

@MessageMapping('/chat')
@SendTo()
class Handlers {
  @MessageMapping(['/a', '/b'])
  @SendToUser({ broadcast: false })
  a(@Payload('name') _name: string, @DestinationVariable('id', ParseIntPipe) _id: number) {}

  @SubscribeMapping('/s')
  @SendToUser('/queue/x')
  s(@Payload(ParseIntPipe) _n: number) {}
}

describe('decorators', () => {
  it('store destinations as lists, on classes and methods', () => {
    expect(Reflect.getMetadata(MESSAGE_MAPPING_METADATA, Handlers)).toEqual(['/chat']);
    expect(Reflect.getMetadata(SEND_TO_METADATA, Handlers)).toEqual([]);
    expect(Reflect.getMetadata(MESSAGE_MAPPING_METADATA, Handlers.prototype.a)).toEqual(['/a', '/b']);
    expect(Reflect.getMetadata(SUBSCRIBE_MAPPING_METADATA, Handlers.prototype.s)).toEqual(['/s']);
  });

  it('read @SendToUser options in either position, broadcast defaulting to true', () => {
    expect(Reflect.getMetadata(SEND_TO_USER_METADATA, Handlers.prototype.a)).toEqual({ destinations: [], broadcast: false });
    expect(Reflect.getMetadata(SEND_TO_USER_METADATA, Handlers.prototype.s)).toEqual({ destinations: ['/queue/x'], broadcast: true });
  });

  it('record parameters as Nest does, a pipe given first to @Payload being a pipe', () => {
    expect(Reflect.getMetadata(STOMP_ARGS_METADATA, Handlers, 'a')).toEqual({
      [`${StompParamtype.PAYLOAD}:0`]: { index: 0, data: 'name', pipes: [] },
      [`${StompParamtype.DESTINATION_VARIABLE}:1`]: { index: 1, data: 'id', pipes: [ParseIntPipe] },
    });
    expect(Reflect.getMetadata(STOMP_ARGS_METADATA, Handlers, 's')).toEqual({
      [`${StompParamtype.PAYLOAD}:0`]: { index: 0, data: undefined, pipes: [ParseIntPipe] },
    });
  });
});
