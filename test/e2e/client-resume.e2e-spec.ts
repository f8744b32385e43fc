import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { IMessage } from '@stomp/stompjs';
import { SimpMessagingTemplate } from '../../lib/index.js';
import { resumableSubscriptions, type StreamGap } from '../../lib/client/index.js';
import { startApp, TEST_OPTIONS, type RunningApp } from '../fixtures/stomp-app.fixture.js';
import { connectSockJs, connectWebSocket, type TestClient } from '../fixtures/stomp-clients.fixture.js';

const HISTORY = { ...TEST_OPTIONS, history: [{ destination: '/topic/feed/*', size: 100_000 }] };
const RECONNECTING = { reconnectDelay: 50 };
const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

async function until(condition: () => boolean, timeoutMs: number, what: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timeout: ${what}`);
    await sleep(5);
  }
}

/** Counts CONNECTEDs through the user's own onConnect, set after the helper wrapped the client: it must still be called. */
function withReconnects(test: TestClient): { connects: () => number } {
  let connects = 0;
  test.client.onConnect = () => connects++;
  return { connects: () => connects };
}

const transports: Array<[string, (baseUrl: string) => Promise<TestClient>]> = [
  ['WebSocket (ws)', (baseUrl) => connectWebSocket(baseUrl, '/stomp', RECONNECTING)],
  ['SockJS (sockjs-client, xhr-streaming)', (baseUrl) => connectSockJs(baseUrl, 'xhr-streaming', '/stomp', RECONNECTING)],
];

describe('nestjs-stomp/client: resumableSubscriptions over @stomp/stompjs', () => {
  let running: RunningApp;
  let template: SimpMessagingTemplate;

  beforeAll(async () => {
    running = await startApp(HISTORY);
    template = running.app.get(SimpMessagingTemplate);
  });
  afterAll(async () => running.close());

  it.each(transports)(
    '%s: sockets killed twice mid-stream at full rate; the callback sees every message once, in order',
    async (name, connect) => {
      const destination = `/topic/feed/kill-${name.replace(/\W+/g, '-')}`;
      const test = await connect(running.baseUrl);
      const gaps: StreamGap[] = [];
      const resumable = resumableSubscriptions(test.client, { onGap: (gap) => gaps.push(gap) });
      const { connects } = withReconnects(test);
      const bodies: string[] = [];
      // 'first': whatever was published before the SUBSCRIBE reached the server is replayed, so no receipt is needed.
      const subscription = resumable.subscribe<IMessage>(destination, (m) => bodies.push(m.body), { 'x-stream-offset': 'first' });
      // Client and server share this process: a burst per timer tick lets the live reader keep up.
      let sent = 0;
      let publishing = true;
      const publisher = (async () => {
        while (publishing) {
          for (let i = 0; i < 20; i++) template.convertAndSend(destination, String(sent++));
          await sleep(1);
        }
      })();
      try {
        for (let kill = 1; kill <= 2; kill++) {
          await until(() => bodies.length >= kill * 1_000, 20_000, `${kill * 1_000} messages before kill ${kill}`);
          test.client.forceDisconnect();
          await until(() => connects() >= kill, 20_000, `reconnect ${kill}`);
        }
        await until(() => bodies.length >= 3_000, 20_000, '3,000 messages');
      } finally {
        publishing = false;
        await publisher;
      }
      await until(() => bodies.length >= sent, 20_000, `${sent} messages`);
      await sleep(50);
      expect(bodies).toEqual([...Array(sent).keys()].map(String));
      expect(gaps).toEqual([]);
      expect(subscription.position?.offset).toBe(sent - 1);
      subscription.unsubscribe();
      await test.disconnect();
    },
    60_000,
  );
});

/**
 * A client that saw `before` on `destination`, then the server restarted on the same port and the client
 * reconnected to it; the bodies the callback got are marked ' (gap)' when they carried x-stream-gap.
 */
async function restartedUnder(connect: (baseUrl: string) => Promise<TestClient>, destination: string, before: string[]) {
  const first = await startApp(HISTORY);
  const test = await connect(first.baseUrl);
  const gaps: StreamGap[] = [];
  const resumable = resumableSubscriptions(test.client, { onGap: (gap) => gaps.push(gap) });
  const { connects } = withReconnects(test);
  const bodies: string[] = [];
  resumable.subscribe<IMessage>(destination, (m) => bodies.push(`${m.body}${m.headers['x-stream-gap'] ? ' (gap)' : ''}`), {
    'x-stream-offset': 'first',
  });
  for (const body of before) await first.app.get(SimpMessagingTemplate).convertAndSend(destination, body);
  await until(() => bodies.length === before.length, 10_000, `${before.length} messages`);
  await first.close();
  const running = await startApp(HISTORY, { port: first.port });
  await until(() => connects() >= 1, 20_000, 'a reconnect to the restarted server');
  return {
    running,
    gaps,
    bodies,
    close: async () => {
      await test.disconnect();
      await running.close();
    },
  };
}

describe('nestjs-stomp/client: a restarted server on the same port', () => {
  it.each(transports)(
    '%s: the new epoch is reported through onGap, and the messages go on',
    async (_name, connect) => {
      const destination = '/topic/feed/restart';
      const { running, gaps, bodies, close } = await restartedUnder(connect, destination, ['a', 'b', 'c']);
      try {
        // The resuming SUBSCRIBE may still be on its way: publish until something arrives.
        const template = running.app.get(SimpMessagingTemplate);
        await until(() => (template.convertAndSend(destination, 'after'), bodies.length > 3), 10_000, 'a message from the new server');
        expect(gaps).toHaveLength(1);
        expect(gaps[0]).toMatchObject({ destination, missed: 'unknown' });
        expect(bodies.slice(0, 4)).toEqual(['a', 'b', 'c', 'after (gap)']);
      } finally {
        await close();
      }
    },
    60_000,
  );

  it.each(transports)(
    '%s: with nothing published yet, the RECEIPT of the resume tells the new epoch at once, and the next message not twice',
    async (_name, connect) => {
      const destination = '/topic/feed/quiet-restart';
      const { running, gaps, bodies, close } = await restartedUnder(connect, destination, ['a', 'b']);
      try {
        // Nothing is published on the new server: only the RECEIPT can tell that the old epoch is gone.
        await until(() => gaps.length > 0, 10_000, 'a gap reported without any message');
        expect(gaps).toEqual([{ destination, missed: 'unknown' }]);
        expect(bodies).toEqual(['a', 'b']);
        await running.app.get(SimpMessagingTemplate).convertAndSend(destination, 'after');
        await until(() => bodies.length === 3, 10_000, 'the first message of the new server');
        expect(bodies).toEqual(['a', 'b', 'after (gap)']);
        expect(gaps).toHaveLength(1);
      } finally {
        await close();
      }
    },
    60_000,
  );
});

describe('nestjs-stomp/client: messages evicted while disconnected', () => {
  // Eight kept per destination: what was published meanwhile pushes out what the client saw.
  const SMALL = { ...TEST_OPTIONS, history: [{ destination: '/topic/small/*', size: 8 }] };
  let running: RunningApp;
  beforeAll(async () => {
    running = await startApp(SMALL);
  });
  afterAll(async () => running.close());

  /** Sees 0..2, is away while `away` more are published, comes back; resolves to what it got and the gaps told. */
  async function awayWhile(destination: string, away: number) {
    const test = await connectWebSocket(running.baseUrl, '/stomp', RECONNECTING);
    const gaps: StreamGap[] = [];
    const resumable = resumableSubscriptions(test.client, { onGap: (gap) => gaps.push(gap) });
    const { connects } = withReconnects(test);
    const bodies: string[] = [];
    resumable.subscribe<IMessage>(destination, (m) => bodies.push(m.body), { 'x-stream-offset': 'first' });
    const template = running.app.get(SimpMessagingTemplate);
    for (let i = 0; i < 3; i++) await template.convertAndSend(destination, String(i));
    await until(() => bodies.length === 3, 10_000, 'three messages');
    await test.client.deactivate();
    for (let i = 3; i < 3 + away; i++) await template.convertAndSend(destination, String(i));
    test.client.activate();
    await until(() => connects() >= 1 && bodies.at(-1) === String(2 + away), 10_000, 'the newest message after the reconnect');
    await test.disconnect();
    return { bodies, gaps };
  }

  it('counts only the messages the callback never saw (the last one it saw, asked for again, is not among them)', async () => {
    const { bodies, gaps } = await awayWhile('/topic/small/evicted', 10);
    // Kept: 5..12; lost: 3 and 4.
    expect(gaps).toEqual([expect.objectContaining({ destination: '/topic/small/evicted', missed: 2 })]);
    expect(bodies).toEqual(['0', '1', '2', ...Array.from({ length: 8 }, (_, i) => String(5 + i))]);
  });

  it('tells no gap when only the message it saw last went (the next one is still kept)', async () => {
    const { bodies, gaps } = await awayWhile('/topic/small/edge', 8);
    // Kept: 3..10, all the client missed.
    expect(gaps).toEqual([]);
    expect(bodies).toEqual(Array.from({ length: 11 }, (_, i) => String(i)));
  });
});
