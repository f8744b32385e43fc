import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { startApp, TEST_OPTIONS, type RunningApp } from '../fixtures/stomp-app.fixture.js';
import { SockJsHttpSession } from '../fixtures/raw-stomp.fixture.js';
import { connectWebSocket } from '../fixtures/stomp-clients.fixture.js';

const CONNECT = 'CONNECT\naccept-version:1.2\nhost:localhost\n\n\0';

/**
 * A SockJS message array is JSON the client writes: sockjs-node hands on each element as it is, so a
 * number or an object reached the frame parser and ended the session as an internal error.
 */
describe('SockJS messages that are not strings', () => {
  let running: RunningApp;

  beforeAll(async () => {
    running = await startApp(TEST_OPTIONS);
  });
  afterAll(() => running.close());

  async function errorAfter(elements: unknown[]): Promise<string> {
    const session = new SockJsHttpSession(running.baseUrl, TEST_OPTIONS.endpoint);
    await session.open();
    expect((await session.send([CONNECT])).status).toBe(204);
    expect((await session.pollData()).messages[0]).toMatch(/^CONNECTED\n/);
    expect((await session.send(elements as string[])).status).toBe(204);
    const poll = await session.pollData();
    return poll.messages.join('');
  }

  it.each([[[1]], [[{ command: 'SEND' }]], [[null]], [['SEND\ndestination:/topic/a\n\nx\0', [true]]]])(
    '%j is an ERROR frame with code MALFORMED_FRAME, and everyone else goes on',
    async (elements) => {
      const watcher = await connectWebSocket(running.baseUrl);
      const inbox = await watcher.subscribeConfirmed('/topic/still');
      const error = await errorAfter(elements);
      expect(error).toMatch(/^ERROR\n/);
      expect(error).toContain('code:MALFORMED_FRAME');
      expect(error).toContain('must be a JSON string');
      await watcher.sendConfirmed('/topic/still', 'alive');
      expect((await inbox.waitFor(1))[0].body).toBe('alive');
      await watcher.disconnect();
    },
  );
});
