import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { IncomingMessage } from 'node:http';
import { SimpMessagingTemplate, StompBrokerRegistry } from '../../lib/index.js';
import { startApp, TEST_OPTIONS, type RunningApp } from '../fixtures/stomp-app.fixture.js';
import { connectSockJs } from '../fixtures/stomp-clients.fixture.js';
import {
  parseStompText,
  RawStompClient,
  SockJsHttpSession,
  SockJsStreamingSession,
  stompFrame,
  type RawFrame,
} from '../fixtures/raw-stomp.fixture.js';

const KIB = 1024;
const PAYLOAD = 8 * KIB;
/** Upper bound on what a test pushes at a client that stops reading (kernel socket buffers absorb a few MB first). */
const MAX_PUSH_BYTES = 64 * 1024 * KIB;

function body(seq: number, size: number): string {
  const head = `${seq}:`;
  return head + 'x'.repeat(Math.max(0, size - head.length));
}

function seqOf(frame: RawFrame): number {
  return Number(frame.body.slice(0, frame.body.indexOf(':')));
}

const yieldToIo = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

/** Opens an xhr-polling SockJS session by hand, CONNECTs and SUBSCRIBEs through it, and reads both answers. */
async function pollingSubscriber(baseUrl: string, destination: string): Promise<SockJsHttpSession> {
  const session = new SockJsHttpSession(baseUrl);
  await session.open();
  expect((await session.send([stompFrame('CONNECT', { 'accept-version': '1.2' })])).status).toBe(204);
  const connected = await session.pollData();
  expect(connected.type).toBe('a');
  expect(parseStompText(connected.messages[0])?.command).toBe('CONNECTED');
  expect((await session.send([stompFrame('SUBSCRIBE', { id: 's1', destination, receipt: 'sub' })])).status).toBe(204);
  const receipt = await session.pollData();
  expect(receipt.messages.map((m) => parseStompText(m)?.command)).toEqual(['RECEIPT']);
  return session;
}

describe('flow control: SockJS streamBytesLimit', () => {
  let running: RunningApp;
  let streamingRequests = 0;

  beforeAll(async () => {
    running = await startApp({ ...TEST_OPTIONS, streamBytesLimit: 4096 });
    running.app.getHttpServer().prependListener('request', (req: IncomingMessage) => {
      if (req.method === 'POST' && /\/xhr_streaming(\?|$)/.test(req.url ?? '')) streamingRequests++;
    });
  });
  afterAll(async () => running.close());

  it('delivers every message across several xhr-streaming responses once a response reaches the limit', async () => {
    const client = await connectSockJs(running.baseUrl, 'xhr-streaming');
    expect(client.transport()).toBe('xhr-streaming');
    const inbox = await client.subscribeConfirmed('/topic/stream');
    const requestsBefore = streamingRequests;
    const template = running.app.get(SimpMessagingTemplate);
    const count = 24;
    for (let i = 0; i < count; i++) {
      await template.convertAndSend('/topic/stream', body(i, KIB));
      // One at a time, as a live feed: each streaming response carries a few messages before it reaches the limit.
      await inbox.waitFor(i + 1);
    }
    const messages = await inbox.waitFor(count);
    expect(messages.map((m) => Number(m.body.split(':')[0]))).toEqual([...Array(count).keys()]);
    // 24 KiB of messages through 4 KiB responses: the client had to open new streaming requests.
    expect(requestsBefore).toBeGreaterThanOrEqual(1);
    expect(streamingRequests - requestsBefore).toBeGreaterThan(1);
    await client.disconnect();
  });
});

describe('flow control: a SockJS polling session is bounded in bytes, not only in messages', () => {
  let running: RunningApp;
  const budget = 64 * KIB;
  beforeAll(async () => (running = await startApp({ ...TEST_OPTIONS, sendBufferSizeLimit: budget, httpMessageCacheSize: 100 })));
  afterAll(async () => running.close());

  it('closes a polling session that stopped polling once what waits for it passes sendBufferSizeLimit, well before 100 messages', async () => {
    const registry = running.app.get(StompBrokerRegistry);
    const template = running.app.get(SimpMessagingTemplate);
    const session = await pollingSubscriber(running.baseUrl, '/topic/bytes');
    const closedBefore = registry.counters.sessionsClosed['send-buffer-overflow'] ?? 0;
    // 40 x 4 KiB = 160 KiB: within the message count, over the byte budget.
    for (let i = 0; i < 40; i++) await template.convertAndSend('/topic/bytes', body(i, 4 * KIB));
    expect(registry.counters.sessionsClosed['send-buffer-overflow']).toBe(closedBefore + 1);
    let poll = await session.pollData();
    for (let i = 0; i < 3 && poll.type !== 'c'; i++) poll = await session.pollData();
    expect(poll.close?.[0]).toBe(4500);
  });
});

describe.each(['terminate', 'drop-oldest'] as const)('flow control: httpMessageCacheSize with overflowPolicy %s', (policy) => {
  let running: RunningApp;
  let template: SimpMessagingTemplate;
  let registry: StompBrokerRegistry;
  const cacheSize = 5;

  beforeAll(async () => {
    running = await startApp({ ...TEST_OPTIONS, httpMessageCacheSize: cacheSize, overflowPolicy: policy });
    template = running.app.get(SimpMessagingTemplate);
    registry = running.app.get(StompBrokerRegistry);
  });
  afterAll(async () => running.close());

  /** Subscribes an xhr-polling session that then stops polling, and pushes 12 messages (more than the cache) at it. */
  async function overflow(destination: string): Promise<{ session: SockJsHttpSession; closedBefore: number }> {
    const session = await pollingSubscriber(running.baseUrl, destination);
    const closedBefore = registry.counters.sessionsClosed['http-cache-overflow'] ?? 0;
    for (let i = 0; i < 12; i++) await template.convertAndSend(destination, `m${i}`);
    return { session, closedBefore };
  }

  if (policy === 'terminate') {
    it('closes the session once the cache overflows, and the next poll gets the close frame', async () => {
      const { session, closedBefore } = await overflow('/topic/cache-terminate-1');
      expect(registry.counters.sessionsClosed['http-cache-overflow']).toBe(closedBefore + 1);
      const next = await session.pollData();
      // The STOMP session is gone: the client must learn it now, not first get messages of a dead session.
      expect(next.raw.slice(0, 2)).toBe('c[');
    });

    it('tells the client with SockJS close code 4500 (a number, as the SockJS protocol writes it)', async () => {
      const { session } = await overflow('/topic/cache-terminate-2');
      let poll = await session.pollData();
      for (let i = 0; i < 3 && poll.type !== 'c'; i++) poll = await session.pollData();
      expect(poll.type).toBe('c');
      expect(poll.close?.[0]).toBe(4500);
      expect(typeof poll.close?.[1]).toBe('string');
    });
  } else {
    it('keeps the session and hands the next poll exactly httpMessageCacheSize messages, the newest ones', async () => {
      const destination = '/topic/cache-drop';
      const { session, closedBefore } = await overflow(destination);
      expect(registry.counters.sessionsClosed['http-cache-overflow'] ?? 0).toBe(closedBefore);
      const next = await session.pollData();
      expect(next.type).toBe('a');
      const frames = next.messages.map((m) => parseStompText(m)!);
      expect(frames.map((f) => f.command)).toEqual(Array(cacheSize).fill('MESSAGE'));
      expect(frames.map((f) => f.body)).toEqual(['m7', 'm8', 'm9', 'm10', 'm11']);
      // The 7 older ones were dropped, and the registry says so.
      expect(registry.sessionViews().map((v) => v.droppedMessages)).toContain(7);
      // Still alive: a later push arrives on the next poll.
      await template.convertAndSend(destination, 'after');
      const later = await session.pollData();
      expect(later.messages.map((m) => parseStompText(m)?.body)).toEqual(['after']);
      expect((await session.send([stompFrame('DISCONNECT')])).status).toBe(204);
    });
  }
});

describe.each([
  { policy: 'terminate', limit: 64 * KIB },
  { policy: 'drop-oldest', limit: 64 * KIB },
  { policy: 'drop-oldest', limit: 256 * KIB },
] as const)('flow control: raw WebSocket client that stops reading, $policy, sendBufferSizeLimit $limit', ({ policy, limit }) => {
  let running: RunningApp;
  let template: SimpMessagingTemplate;
  let registry: StompBrokerRegistry;

  beforeAll(async () => {
    running = await startApp({ ...TEST_OPTIONS, sendBufferSizeLimit: limit, overflowPolicy: policy });
    template = running.app.get(SimpMessagingTemplate);
    registry = running.app.get(StompBrokerRegistry);
  });
  afterAll(async () => running.close());

  it(
    policy === 'terminate'
      ? 'closes the slow session (send-buffer-overflow) while another client keeps receiving'
      : 'keeps the slow session, drops old messages, and delivers the newest',
    async () => {
      const destination = '/topic/slow';
      const slow = await RawStompClient.connect(running.baseUrl);
      await slow.sendWithReceipt('SUBSCRIBE', { id: 'slow', destination });
      const reader = await RawStompClient.connect(running.baseUrl);
      await reader.sendWithReceipt('SUBSCRIBE', { id: 'reader', destination });
      let readerCount = 0;
      reader.onFrame((f) => {
        if (f.command === 'MESSAGE') readerCount++;
      });
      let slowCount = 0;
      let slowLast = -1;
      slow.onFrame((f) => {
        if (f.command !== 'MESSAGE') return;
        slowCount++;
        slowLast = seqOf(f);
      });

      const slowId = (await slow.waitFor((f) => f.command === 'CONNECTED')).headers.session;
      expect(registry.session(slowId)).toBeDefined();
      const overflowBefore = registry.counters.sessionsClosed['send-buffer-overflow'] ?? 0;
      slow.ws.pause();

      // Push until the slow client is cut off (terminate) or well past what the kernel's socket buffers absorb (drop-oldest).
      let sent = 0;
      const enough = (): boolean => (policy === 'terminate' ? registry.session(slowId) === undefined : sent * PAYLOAD >= 16 * 1024 * KIB);
      while (!enough() && sent * PAYLOAD < MAX_PUSH_BYTES) {
        await template.convertAndSend(destination, body(sent++, PAYLOAD));
        if (sent % 32 === 0) {
          await reader.until(() => readerCount >= sent - 64, 5_000, 'the reader to keep up');
          await yieldToIo();
        }
      }
      await template.convertAndSend(destination, body(sent++, 16));
      const lastSeq = sent - 1;
      await reader.until(() => readerCount === sent, 10_000, `the reader to get all ${sent} messages`);

      if (policy === 'terminate') {
        expect(registry.session(slowId)).toBeUndefined();
        expect(registry.counters.sessionsClosed['send-buffer-overflow']).toBe(overflowBefore + 1);
        slow.ws.resume();
        // Told why, as SockJS clients are: 4500 (session not reliable), not a bare 1006.
        expect((await slow.closed).code).toBe(4500);
        expect(slowCount).toBeLessThan(sent);
      } else {
        expect(registry.counters.sessionsClosed['send-buffer-overflow'] ?? 0).toBe(overflowBefore);
        expect(registry.session(slowId)).toBeDefined();
        slow.ws.resume();
        await slow.until(() => slowLast === lastSeq, 10_000, 'the last message on the slow client');
        expect(slowCount).toBeLessThan(sent);
        // Every message the slow client missed was dropped by the policy, and counted.
        expect(registry.sessionViews().find((v) => v.id === slowId)?.droppedMessages).toBe(sent - slowCount);
        expect(slow.isClosed).toBe(false);
        await slow.close();
      }
      await reader.close();
    },
  );
});

describe('flow control: the send budget fits the largest frame', () => {
  let running: RunningApp;
  beforeAll(async () => (running = await startApp({ ...TEST_OPTIONS, messageSizeLimit: 2 * 1024 * KIB })));
  afterAll(async () => running.close());

  it('three back-to-back 400 KB pushes reach a subscriber reading at full speed (sendBufferSizeLimit 512 KiB, messageSizeLimit 2 MiB)', async () => {
    const template = running.app.get(SimpMessagingTemplate);
    const client = await RawStompClient.connect(running.baseUrl);
    await client.sendWithReceipt('SUBSCRIBE', { id: 'big', destination: '/topic/big' });
    await Promise.all([0, 1, 2].map((i) => template.convertAndSend('/topic/big', body(i, 400 * 1000))));
    await client.until(() => client.frames.filter((f) => f.command === 'MESSAGE').length === 3, 10_000, 'three large messages');
    expect(client.frames.filter((f) => f.command === 'MESSAGE').map(seqOf)).toEqual([0, 1, 2]);
    await client.close();
  });
});

/** A subscriber the test can stop reading, over raw WebSocket or a hand-driven SockJS xhr-streaming response. */
interface StallingSubscriber {
  sessionId: string;
  frames: RawFrame[];
  pause(): void;
  resume(): void;
  until(condition: () => boolean, timeoutMs: number, what: string): Promise<void>;
  close(): Promise<void>;
}

async function stallingSubscriber(
  transport: 'raw-websocket' | 'xhr-streaming',
  baseUrl: string,
  destination: string,
): Promise<StallingSubscriber> {
  if (transport === 'raw-websocket') {
    const client = await RawStompClient.connect(baseUrl);
    await client.sendWithReceipt('SUBSCRIBE', { id: 's1', destination });
    return {
      sessionId: (await client.waitFor((f) => f.command === 'CONNECTED')).headers.session,
      frames: client.frames,
      pause: () => client.ws.pause(),
      resume: () => client.ws.resume(),
      until: (condition, timeoutMs, what) => client.until(condition, timeoutMs, what),
      close: () => client.close(),
    };
  }
  const session = new SockJsStreamingSession(baseUrl);
  await session.openStream();
  await session.send([
    stompFrame('CONNECT', { 'accept-version': '1.2' }),
    stompFrame('SUBSCRIBE', { id: 's1', destination, receipt: 'sub' }),
  ]);
  await session.until(() => session.frames.some((f) => f.command === 'RECEIPT'), 5_000, 'the SUBSCRIBE receipt');
  return {
    sessionId: session.frames.find((f) => f.command === 'CONNECTED')!.headers.session,
    frames: session.frames,
    pause: () => session.pause(),
    resume: () => session.resume(),
    until: (condition, timeoutMs, what) => session.until(condition, timeoutMs, what),
    close: async () => session.close(),
  };
}

describe.each(['raw-websocket', 'xhr-streaming'] as const)('flow control: drop-oldest outlives sendTimeLimit over %s', (transport) => {
  const sendTimeLimit = 300;
  let running: RunningApp;
  // streamBytesLimit out of the way: the stall must happen inside one streaming response. At the default a
  // response ends after 128 KiB, and a client that never reads that end never opens the next request, so
  // sockjs-node closes the session after disconnectDelay (transport-closed): SockJS's rule, not sendTimeLimit.
  beforeAll(
    async () =>
      (running = await startApp({
        ...TEST_OPTIONS,
        overflowPolicy: 'drop-oldest',
        sendBufferSizeLimit: 64 * KIB,
        sendTimeLimit,
        streamBytesLimit: 256 * 1024 * KIB,
      })),
  );
  afterAll(async () => running.close());

  it('a client whose socket stays full while a trickle keeps coming for several sendTimeLimits loses old messages, not its session', async () => {
    const registry = running.app.get(StompBrokerRegistry);
    const template = running.app.get(SimpMessagingTemplate);
    const destination = '/topic/stall';
    const slow = await stallingSubscriber(transport, running.baseUrl, destination);
    const dropped = (): number => registry.sessionViews().find((v) => v.id === slow.sessionId)?.droppedMessages ?? -1;
    slow.pause();
    // One frame per turn of the event loop, so nothing is dropped while the kernel still takes data:
    // the first drop means the socket buffers are full and the stall clock runs.
    let seq = 0;
    while (dropped() === 0 && seq * 16 * KIB < MAX_PUSH_BYTES) {
      await template.convertAndSend(destination, body(seq++, 16 * KIB));
      await yieldToIo();
    }
    expect(dropped()).toBeGreaterThan(0);
    const droppedWhenFull = dropped();
    // A steady trickle for five sendTimeLimits: each push finds the socket still full.
    const trickleEnd = Date.now() + 5 * sendTimeLimit;
    while (Date.now() < trickleEnd) {
      await template.convertAndSend(destination, body(seq++, 16 * KIB));
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    expect(registry.counters.sessionsClosed['send-time-limit'] ?? 0).toBe(0);
    expect(registry.session(slow.sessionId)).toBeDefined();
    // Honest only if the socket really stayed full: the trickle was dropped too, not delivered.
    expect(dropped()).toBeGreaterThan(droppedWhenFull);
    const newest = seq;
    await template.convertAndSend(destination, body(newest, 16));
    slow.resume();
    await slow.until(() => slow.frames.some((f) => f.command === 'MESSAGE' && seqOf(f) === newest), 10_000, 'the newest message');
    await slow.close();
  });
});
