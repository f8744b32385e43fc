import { describe, expect, it } from '@jest/globals';
import { DestinationMatcher } from '../../../lib/engine/broker/destination.matcher.js';
import { DuplicateMappingError, HandlerRegistry } from '../../../lib/nest/handlers/handler.registry.js';

const registry = () => new HandlerRegistry<string>(new DestinationMatcher('/'));

describe('HandlerRegistry', () => {
  it('finds exact destinations before patterns, and the most specific pattern first', () => {
    const r = registry();
    r.add('SEND', '/room/**', 'deep', 'A.deep');
    r.add('SEND', '/room/{id}', 'byId', 'A.byId');
    r.add('SEND', '/room/lobby', 'lobby', 'A.lobby');
    r.add('SEND', '/room/{id}/msg-*', 'msgs', 'A.msgs');
    expect(r.find('SEND', '/room/lobby')).toEqual({ handler: 'lobby', pattern: '/room/lobby', variables: {} });
    expect(r.find('SEND', '/room/42')).toEqual({ handler: 'byId', pattern: '/room/{id}', variables: { id: '42' } });
    expect(r.find('SEND', '/room/42/msg-1')?.handler).toBe('msgs');
    expect(r.find('SEND', '/room/42/x/y')?.handler).toBe('deep');
    expect(r.find('SEND', '/other')).toBeUndefined();
  });

  it('prefers the longer of two equally specific patterns, whatever the order they were added in', () => {
    const r = registry();
    r.add('SEND', '/a/{x}', 'short', 'A.short');
    r.add('SEND', '/a/{x}-suffix', 'long', 'A.long');
    expect(r.find('SEND', '/a/v-suffix')).toMatchObject({ handler: 'long', variables: { x: 'v' } });
    expect(r.find('SEND', '/a/v')?.handler).toBe('short');
  });

  it('keeps SEND and SUBSCRIBE mappings apart', () => {
    const r = registry();
    r.add('SEND', '/data', 'send', 'A.send');
    r.add('SUBSCRIBE', '/data', 'subscribe', 'A.subscribe');
    expect(r.find('SEND', '/data')?.handler).toBe('send');
    expect(r.find('SUBSCRIBE', '/data')?.handler).toBe('subscribe');
    expect(r.find('SUBSCRIBE', '/nothing')).toBeUndefined();
    expect(r.size).toBe(2);
  });

  it('refuses a second claim on a destination and names both handlers, whatever the variable names', () => {
    const r = registry();
    r.add('SEND', '/room/{id}', 'a', 'RoomController.join');
    expect(() => r.add('SEND', '/room/{roomId}', 'b', 'RoomService.enter')).toThrow(
      new DuplicateMappingError('SEND /room/{roomId} is mapped twice: by RoomController.join and by RoomService.enter'),
    );
    expect(() => r.add('SEND', '/room/{id:\\d+}', 'c', 'C.c')).not.toThrow();
    r.add('SEND', '/exact', 'd', 'D.d');
    expect(() => r.add('SEND', '/exact', 'e', 'E.e')).toThrow('by D.d and by E.e');
  });

  it('matches dot-separated destinations with a "." matcher', () => {
    const r = new HandlerRegistry<string>(new DestinationMatcher('.'));
    r.add('SEND', 'chat.{room}', 'chat', 'A.chat');
    expect(r.find('SEND', 'chat.lobby')).toMatchObject({ handler: 'chat', variables: { room: 'lobby' } });
  });
});
