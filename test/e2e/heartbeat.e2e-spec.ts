import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { StompBrokerRegistry } from '../../lib/index.js';
import { startApp, TEST_OPTIONS, type RunningApp } from '../fixtures/stomp-app.fixture.js';
import { RawStompClient } from '../fixtures/raw-stomp.fixture.js';

/**
 * The server keeps its default offer (heartbeat [10000, 10000], heartbeatMinInterval 1000): a
 * client's shorter periods are followed down to the floor, as RabbitMQ does.
 */
describe('heart-beats follow the client', () => {
  let running: RunningApp;
  let registry: StompBrokerRegistry;
  const open: RawStompClient[] = [];

  beforeAll(async () => {
    running = await startApp(TEST_OPTIONS);
    registry = running.app.get(StompBrokerRegistry);
  });
  afterAll(async () => {
    await Promise.all(open.map((c) => c.close()));
    await running.close();
  });

  async function connect(heartBeat: string): Promise<{ client: RawStompClient; offered: string }> {
    const client = await RawStompClient.connect(running.baseUrl, { 'accept-version': '1.2', 'heart-beat': heartBeat });
    open.push(client);
    return { client, offered: client.frames[0].headers['heart-beat'] };
  }

  it.each([
    ['1000,1000', '1000,1000'],
    ['100,100', '1000,1000'],
    ['0,2500', '2500,10000'],
    ['3000,0', '10000,3000'],
    ['0,0', '10000,10000'],
    ['20000,30000', '10000,10000'],
  ])('a client asking heart-beat:%s is offered %s', async (asked, offered) => {
    const { client, offered: got } = await connect(asked);
    expect(got).toBe(offered);
    await client.sendWithReceipt('DISCONNECT');
  });

  it('a client that promised 1 s beats and went silent is dropped after two missed periods, one that keeps beating stays', async () => {
    const before = registry.counters.sessionsClosed['heartbeat-timeout'] ?? 0;
    const { client: silent } = await connect('1000,1000');
    const { client: lively } = await connect('1000,1000');
    const beat = setInterval(() => lively.send('\n'), 250);
    try {
      // 2 periods of 1 s (3 at most, as the shared wheel's phase goes); the old offer held it to 3 x 10 s.
      const error = await silent.waitFor((f) => f.command === 'ERROR', 8_000);
      expect(error.headers.message).toMatch(/heart-?beat/i);
      const closed = await silent.closed;
      expect(closed.code).not.toBe(1000);
      expect(silent.frames.at(-1)).toBe(error);
      expect(registry.counters.sessionsClosed['heartbeat-timeout']).toBe(before + 1);
      // The server beats at 1 s too, so the lively one sees EOLs, and it is still there.
      await lively.waitForHeartbeats(2, 5_000);
      expect(lively.isClosed).toBe(false);
      await lively.sendWithReceipt('DISCONNECT');
    } finally {
      clearInterval(beat);
    }
  });
});
