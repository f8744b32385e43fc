import { describe, expect, it } from '@jest/globals';
import { RelayDestinationMapper } from '../../../lib/engine/broker/relay/destination.mapper.js';

describe('RelayDestinationMapper', () => {
  const slash = new RelayDestinationMapper('/');
  const dot = new RelayDestinationMapper('.');

  it.each([
    ['/topic/prices', '/topic/topic.prices'],
    ['/topic/rooms/lobby/chat', '/topic/topic.rooms.lobby.chat'],
    ['/queue/jobs', '/topic/queue.jobs'],
  ])('maps %s to the RabbitMQ topic %s and back', (ours, rabbit) => {
    expect(slash.toBroker(ours)).toBe(rabbit);
    expect(slash.fromBroker(rabbit)).toBe(ours);
  });

  it('encodes characters RabbitMQ topic words cannot carry, and decodes them back', () => {
    const ours = '/topic/v1.2/a*b#c%d';
    const rabbit = slash.toBroker(ours);
    expect(rabbit).toBe('/topic/topic.v1%2E2.a%2Ab%23c%25d');
    expect(slash.fromBroker(rabbit)).toBe(ours);
  });

  it('maps patterns to RabbitMQ patterns that match at least as much', () => {
    expect(slash.toBrokerPattern('/topic/rooms/*')).toBe('/topic/topic.rooms.*');
    expect(slash.toBrokerPattern('/topic/rooms/{room}/chat')).toBe('/topic/topic.rooms.*.chat');
    expect(slash.toBrokerPattern('/topic/**')).toBe('/topic/topic.#');
    expect(slash.toBrokerPattern('/topic/room-?')).toBe('/topic/topic.*');
  });

  it("keeps '.' destinations as words under their prefix", () => {
    expect(dot.toBroker('/topic/price.stock.dap')).toBe('/topic/topic.price.stock.dap');
    expect(dot.fromBroker('/topic/topic.price.stock.dap')).toBe('/topic/price.stock.dap');
    expect(dot.toBrokerPattern('/topic/price.stock.*')).toBe('/topic/topic.price.stock.*');
    expect(dot.toBrokerPattern('/topic/price.**')).toBe('/topic/topic.price.#');
  });

  it("encodes a '/' inside a word, which RabbitMQ would refuse as an invalid topic (and no longer ERRORs the shared connection)", () => {
    expect(dot.toBroker('/topic/a/b.c')).toBe('/topic/topic.a%2Fb.c');
    expect(dot.fromBroker('/topic/topic.a%2Fb.c')).toBe('/topic/a/b.c');
  });

  it('refuses a destination with no word, which RabbitMQ would answer with an ERROR', () => {
    expect(() => slash.toBroker('/')).toThrow(expect.objectContaining({ code: 'UNKNOWN_DESTINATION' }));
    expect(() => dot.toBroker('//')).toThrow(expect.objectContaining({ code: 'UNKNOWN_DESTINATION' }));
  });

  it('reserves the first word nestjs-stomp (older nodes carry user messages there)', () => {
    expect(slash.isReserved('/nestjs-stomp/user-messages')).toBe(true);
    expect(slash.isReserved('/nestjs-stomp/**')).toBe(true);
    expect(dot.isReserved('/nestjs-stomp/user-messages')).toBe(true);
    expect(slash.isReserved('/**')).toBe(false);
    expect(slash.isReserved('/topic/nestjs-stomp')).toBe(false);
  });
});
