import { describe, expect, it } from '@jest/globals';
import { StompProtocolError } from '../../../lib/engine/errors/protocol.error.js';
import { negotiateHeartBeat, offerHeartBeat, parseHeartBeat } from '../../../lib/engine/protocol/heartbeat.negotiator.js';

describe('parseHeartBeat', () => {
  it('treats an absent header as no heart-beats', () => {
    expect(parseHeartBeat(undefined)).toEqual([0, 0]);
  });

  it.each<[string, [number, number]]>([
    ['0,0', [0, 0]],
    ['10000,5000', [10000, 5000]],
    [' 100 , 200 ', [100, 200]],
    ['007,1', [7, 1]],
    ['2147483647,0', [2147483647, 0]],
  ])('parses %j', (value, expected) => {
    expect(parseHeartBeat(value)).toEqual(expected);
  });

  it.each(['', '100', '1,2,3', '-1,0', '1.5,0', 'a,b', '1;2', ',', '1,', '2147483648,0', '0,99999999999999999999'])(
    'rejects %j with MALFORMED_HEADER',
    (value) => {
      let thrown: unknown;
      try {
        parseHeartBeat(value);
      } catch (err) {
        thrown = err;
      }
      expect(thrown).toBeInstanceOf(StompProtocolError);
      expect((thrown as StompProtocolError).code).toBe('MALFORMED_HEADER');
      expect((thrown as StompProtocolError).message).toBe('Invalid heart-beat header');
    },
  );
});

describe('negotiateHeartBeat', () => {
  it.each<[[number, number], [number, number], number, number]>([
    // client [cx, cy], server [sx, sy] -> send every max(sx, cy), expect every max(cx, sy)
    [[0, 0], [10000, 10000], 0, 0],
    [[4000, 6000], [10000, 10000], 10000, 10000],
    [[20000, 30000], [10000, 10000], 30000, 20000],
    [[5000, 0], [10000, 10000], 0, 10000],
    [[0, 5000], [10000, 10000], 10000, 0],
    [[5000, 5000], [0, 0], 0, 0],
    [[5000, 5000], [1000, 0], 5000, 0],
    [[5000, 7000], [0, 1000], 0, 5000],
  ])('client %j and server %j: send %d, receive %d', (client, server, send, receive) => {
    expect(negotiateHeartBeat(client, server)).toEqual({ sendIntervalMs: send, receiveTimeoutMs: receive });
  });
});

describe('offerHeartBeat', () => {
  it.each<[[number, number], [number, number], number, [number, number]]>([
    // client [cx, cy], server [sx, sy], floor -> [min(sx, max(cy, floor)) if cy, min(sy, max(cx, floor)) if cx]
    [[1000, 1000], [10000, 10000], 1000, [1000, 1000]],
    [[100, 100], [10000, 10000], 1000, [1000, 1000]],
    [[0, 0], [10000, 10000], 1000, [10000, 10000]],
    [[0, 2500], [10000, 10000], 1000, [2500, 10000]],
    [[3000, 0], [10000, 10000], 1000, [10000, 3000]],
    [[20000, 30000], [10000, 10000], 1000, [10000, 10000]],
    // The floor never raises what the server itself offers.
    [[100, 100], [200, 200], 1000, [200, 200]],
    [[5000, 5000], [0, 0], 1000, [0, 0]],
  ])('client %j, server %j, floor %d: offers %j', (client, server, floor, offer) => {
    expect(offerHeartBeat(client, server, floor)).toEqual(offer);
  });
});
