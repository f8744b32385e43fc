import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { Controller } from '@nestjs/common';
import { SimpMessagingTemplate, SubscribeMapping } from '../../lib/index.js';
import { startApp, TEST_OPTIONS, type RunningApp } from '../fixtures/stomp-app.fixture.js';
import { RawStompClient, stompFrame } from '../fixtures/raw-stomp.fixture.js';

@Controller()
class BoardController {
  /** Asynchronous on purpose: the order must hold while the handler is still working. */
  @SubscribeMapping('/board')
  async snapshot() {
    await new Promise((resolve) => setTimeout(resolve, 20));
    return { snapshot: true };
  }
}

/** The order of @SubscribeMapping snapshots and history on one session, as the README's Protocol section promises. */
describe('history and @SubscribeMapping snapshots on one session', () => {
  // About 8 MB: more than loopback socket buffers hold, so the replay cannot finish while the client reads nothing.
  const count = 8_000;
  let running: RunningApp;

  beforeAll(async () => {
    running = await startApp(
      { ...TEST_OPTIONS, sendBufferSizeLimit: 64 * 1024, history: [{ destination: '/topic/board', size: count }] },
      { controllers: [BoardController] },
    );
    const template = running.app.get(SimpMessagingTemplate);
    for (let i = 0; i < count; i++) await template.convertAndSend('/topic/board', `${i}:${'x'.repeat(1024)}`);
  });
  afterAll(async () => running.close());

  /** Sends both SUBSCRIBEs in one WebSocket message while the client reads nothing, so the replay has to wait for drains. */
  async function subscriptionsInOrder(frames: string[]): Promise<string[]> {
    const client = await RawStompClient.connect(running.baseUrl);
    const socket = (client.ws as unknown as { _socket: { pause(): void; resume(): void } })._socket;
    socket.pause();
    client.send(frames.join(''));
    await new Promise((resolve) => setTimeout(resolve, 200));
    socket.resume();
    await client.until(() => client.framesOf('MESSAGE').length >= count + 1, 20_000);
    await client.close();
    // Runs of the same subscription, in arrival order.
    const runs: string[] = [];
    for (const frame of client.framesOf('MESSAGE'))
      if (runs[runs.length - 1] !== frame.headers.subscription) runs.push(frame.headers.subscription);
    return runs;
  }

  const history = stompFrame('SUBSCRIBE', { id: 'history', destination: '/topic/board', 'x-stream-offset': 'first' });
  const snapshot = stompFrame('SUBSCRIBE', { id: 'snapshot', destination: '/app/board' });

  it('a snapshot subscribed first comes before the first replayed message', async () => {
    expect(await subscriptionsInOrder([snapshot, history])).toEqual(['snapshot', 'history']);
  });

  it('a snapshot subscribed after a resume comes after the last message the replay had kept, even when the replay is paced', async () => {
    expect(await subscriptionsInOrder([history, snapshot])).toEqual(['history', 'snapshot']);
  });
});
