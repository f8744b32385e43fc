import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { IMessage } from '@stomp/stompjs';
import { SimpMessagingTemplate } from '../../lib/index.js';
import { StompCore } from '../../lib/engine/stomp.core.js';
import { startApp, TEST_OPTIONS, type RunningApp } from '../fixtures/stomp-app.fixture.js';
import { connectSockJs } from '../fixtures/stomp-clients.fixture.js';
import { RawStompClient, type RawFrame } from '../fixtures/raw-stomp.fixture.js';

const yieldToIo = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));
const offsetOf = (f: RawFrame | IMessage): number => Number(f.headers['x-stream-offset']);
const isMessage = (f: RawFrame): boolean => f.command === 'MESSAGE';

/**
 * Publishes `<seq>:<padding>` to `destination`, `burst` messages at a time, as fast as the event loop
 * lets the clients be served (or one burst per timer tick, for clients in this same process that
 * must keep up live), until stopped.
 */
function firehose(template: SimpMessagingTemplate, destination: string, { padding = '', burst = 50, timer = false } = {}) {
  let sent = 0;
  let running = true;
  const pause = (): Promise<void> => (timer ? new Promise((resolve) => setTimeout(resolve, 1)) : yieldToIo());
  const done = (async () => {
    while (running) {
      for (let i = 0; i < burst; i++) template.convertAndSend(destination, `${sent++}:${padding}`);
      await pause();
    }
  })();
  return {
    get sent() {
      return sent;
    },
    stop: async () => {
      running = false;
      await done;
      return sent;
    },
  };
}

/** No duplicate, nothing missing, in order: offsets are 0..n-1 and each body starts with its own offset. */
function expectExactly(offsets: number[], bodies: string[], total: number): void {
  expect(offsets.length).toBe(total);
  expect(offsets).toEqual([...Array(total).keys()]);
  expect(bodies.map((b) => Number(b.slice(0, b.indexOf(':'))))).toEqual(offsets);
}

describe('history and resume', () => {
  let running: RunningApp;
  let template: SimpMessagingTemplate;

  beforeAll(async () => {
    running = await startApp({
      ...TEST_OPTIONS,
      history: [
        { destination: '/topic/small', size: 5 },
        { destination: '/topic/feed/*', size: 100_000 },
      ],
    });
    template = running.app.get(SimpMessagingTemplate);
  });
  afterAll(async () => running.close());

  it('raw WebSocket: a socket killed mid-stream at full publish rate resumes with exactly the missed messages, in order', async () => {
    const destination = '/topic/feed/raw-kill';
    const first = await RawStompClient.connect(running.baseUrl);
    await first.sendWithReceipt('SUBSCRIBE', { id: 's', destination });
    // 1 KiB messages: what is missed is more than the kernel's socket buffers hold, so the replay must wait for drains.
    const hose = firehose(template, destination, { padding: 'x'.repeat(1024) });
    try {
      // A reader that falls behind the firehose may be cut off by the server first (sendBufferSizeLimit): a kill too.
      await first.until(() => first.framesOf('MESSAGE').length >= 2_000 || first.isClosed, 10_000);
      first.ws.terminate();
      await first.closed;
      const seen = first.framesOf('MESSAGE');
      const last = seen[seen.length - 1];
      // Publishing goes on while the client is away and while it resumes: some 10 MB is missed, so the
      // replay spans many drains while live messages keep coming.
      while (hose.sent - seen.length < 10_000) await new Promise((resolve) => setTimeout(resolve, 10));
      const second = await RawStompClient.connect(running.baseUrl);
      const resume = { 'x-stream-offset': String(offsetOf(last) + 1), 'x-stream-epoch': last.headers['x-stream-epoch'] };
      second.sendFrame('SUBSCRIBE', { id: 's', destination, ...resume });
      await second.until(() => second.framesOf('MESSAGE').length >= 12_000, 20_000);
      const total = await hose.stop();
      const all = (): RawFrame[] => [...seen, ...second.framesOf('MESSAGE')];
      await second.until(() => all().length >= total, 20_000, `${total} messages`);
      expect(second.framesOf('MESSAGE').every((f) => f.headers['x-stream-gap'] === undefined)).toBe(true);
      expect(new Set(all().map((f) => f.headers['x-stream-epoch'])).size).toBe(1);
      expectExactly(
        all().map(offsetOf),
        all().map((f) => f.body),
        total,
      );
      expect(seen.length).toBeGreaterThan(0);
      await second.close();
    } finally {
      await hose.stop();
    }
  });

  it('@stomp/stompjs over SockJS: a dropped connection resumes with exactly the missed messages, in order', async () => {
    const destination = '/topic/feed/sockjs-kill';
    const first = await connectSockJs(running.baseUrl, 'xhr-streaming');
    const inbox = await first.subscribeConfirmed(destination);
    // Client and server share this process: the live reader must keep up, so bursts go per timer tick.
    const hose = firehose(template, destination, { burst: 20, timer: true });
    try {
      await inbox.waitFor(1_000, 20_000);
      first.client.forceDisconnect();
      await first.closed;
      const seen = [...inbox.messages];
      await first.disconnect();
      const last = seen[seen.length - 1];
      while (hose.sent - seen.length < 2_000) await new Promise((resolve) => setTimeout(resolve, 10));
      const second = await connectSockJs(running.baseUrl, 'xhr-streaming');
      const resumed = second.subscribe(destination, {
        'x-stream-offset': String(offsetOf(last) + 1),
        'x-stream-epoch': last.headers['x-stream-epoch'],
      });
      await resumed.waitFor(3_000, 20_000);
      const total = await hose.stop();
      await resumed.waitFor(total - seen.length, 20_000);
      const all = [...seen, ...resumed.messages];
      expectExactly(
        all.map(offsetOf),
        all.map((m) => m.body),
        total,
      );
      await second.disconnect();
    } finally {
      await hose.stop();
    }
  });

  describe('where a subscription starts', () => {
    const destination = '/topic/small';
    let epoch: string;

    beforeAll(async () => {
      for (let i = 0; i < 20; i++) await template.convertAndSend(destination, `m${i}`);
      const probe = await RawStompClient.connect(running.baseUrl);
      probe.sendFrame('SUBSCRIBE', { id: 'p', destination, 'x-stream-offset': 'last' });
      epoch = (await probe.waitFor(isMessage)).headers['x-stream-epoch'];
      await probe.close();
    });

    /** Subscribes with these headers (and a receipt), publishes `live` more, and returns the MESSAGEs and where the RECEIPT fell. */
    async function subscribeWith(headers: Record<string, string>, live: string) {
      const client = await RawStompClient.connect(running.baseUrl);
      await client.sendWithReceipt('SUBSCRIBE', { id: 's', destination, ...headers });
      const receiptAt = client.frames.findIndex((f) => f.command === 'RECEIPT') - 1;
      await template.convertAndSend(destination, live);
      await client.waitFor((f) => isMessage(f) && f.body === live);
      await client.close();
      const messages = client.framesOf('MESSAGE');
      return { messages, receiptAt, offsets: messages.map(offsetOf), gaps: messages.map((m) => m.headers['x-stream-gap']) };
    }

    it('first: every kept message, then live; the RECEIPT comes after the replay', async () => {
      const { offsets, receiptAt, messages } = await subscribeWith({ 'x-stream-offset': 'first' }, 'live-first');
      expect(offsets).toEqual([15, 16, 17, 18, 19, 20]);
      expect(messages.map((m) => m.body)).toEqual(['m15', 'm16', 'm17', 'm18', 'm19', 'live-first']);
      expect(receiptAt).toBe(5);
    });

    it('last: the newest kept message, then live', async () => {
      const { offsets, gaps } = await subscribeWith({ 'x-stream-offset': 'last' }, 'live-last');
      expect(offsets).toEqual([20, 21]);
      expect(gaps).toEqual([undefined, undefined]);
    });

    it('next (and no header): live only', async () => {
      expect((await subscribeWith({ 'x-stream-offset': 'next' }, 'live-next')).offsets).toEqual([22]);
      expect((await subscribeWith({}, 'live-none')).offsets).toEqual([23]);
    });

    it('an offset still kept, with its epoch: from there, no gap', async () => {
      const { offsets, gaps } = await subscribeWith({ 'x-stream-offset': '22', 'x-stream-epoch': epoch }, 'live-kept');
      expect(offsets).toEqual([22, 23, 24]);
      expect(gaps).toEqual([undefined, undefined, undefined]);
    });

    it('an offset older than kept: from the oldest kept, which carries x-stream-gap with how many were lost', async () => {
      const { offsets, gaps } = await subscribeWith({ 'x-stream-offset': '3', 'x-stream-epoch': epoch }, 'live-old');
      // 25 published, 5 kept: 20..24; offsets 3..19 (17) are gone.
      expect(offsets).toEqual([20, 21, 22, 23, 24, 25]);
      expect(gaps).toEqual(['17', undefined, undefined, undefined, undefined, undefined]);
    });

    it('a stale epoch: from the oldest kept, x-stream-gap:unknown', async () => {
      const { offsets, gaps } = await subscribeWith(
        { 'x-stream-offset': '24', 'x-stream-epoch': 'an-epoch-of-a-restarted-server' },
        'live-stale',
      );
      expect(offsets).toEqual([21, 22, 23, 24, 25, 26]);
      expect(gaps).toEqual(['unknown', undefined, undefined, undefined, undefined, undefined]);
    });

    it('a stale epoch on a destination with nothing kept: the next live message carries x-stream-gap:unknown', async () => {
      const client = await RawStompClient.connect(running.baseUrl);
      await client.sendWithReceipt('SUBSCRIBE', {
        id: 's',
        destination: '/topic/feed/empty',
        'x-stream-offset': '7',
        'x-stream-epoch': 'gone',
      });
      await template.convertAndSend('/topic/feed/empty', 'a');
      await template.convertAndSend('/topic/feed/empty', 'b');
      const [a, b] = await client.waitForCount(isMessage, 2);
      expect([a.headers['x-stream-gap'], b.headers['x-stream-gap']]).toEqual(['unknown', undefined]);
      expect([offsetOf(a), offsetOf(b)]).toEqual([0, 1]);
      await client.close();
    });

    it.each([
      ['x-stream-offset', 'yesterday'],
      ['x-stream-offset', '-2'],
    ])('%s:%s is an ERROR with code MALFORMED_HEADER', async (name, value) => {
      const client = await RawStompClient.connect(running.baseUrl);
      client.sendFrame('SUBSCRIBE', { id: 's', destination, [name]: value });
      const error = await client.waitFor((f) => f.command === 'ERROR');
      expect(error.headers.code).toBe('MALFORMED_HEADER');
      await client.closed;
    });

    it('a replay request on a pattern is an ERROR (offsets are per destination)', async () => {
      const client = await RawStompClient.connect(running.baseUrl);
      client.sendFrame('SUBSCRIBE', { id: 's', destination: '/topic/feed/**', 'x-stream-offset': 'first' });
      const error = await client.waitFor((f) => f.command === 'ERROR');
      expect(error.headers.code).toBe('MALFORMED_HEADER');
      await client.closed;
    });

    it('client SENDs to a history destination get the server offsets, not the ones they forged', async () => {
      const client = await RawStompClient.connect(running.baseUrl);
      await client.sendWithReceipt('SUBSCRIBE', { id: 's', destination });
      client.sendFrame('SEND', { destination, 'x-stream-offset': '0', 'x-stream-epoch': 'forged', 'x-stream-gap': '5' }, 'sent');
      const message = await client.waitFor(isMessage);
      expect(message.headers['x-stream-epoch']).toBe(epoch);
      expect(offsetOf(message)).toBeGreaterThan(20);
      expect(message.headers['x-stream-gap']).toBeUndefined();
      await client.close();
    });
  });
});

describe('history and resume: a slow client resuming 10,000 messages', () => {
  const KIB = 1024;
  const sendBufferSizeLimit = 64 * KIB;
  let running: RunningApp;

  beforeAll(async () => {
    running = await startApp({
      ...TEST_OPTIONS,
      sendBufferSizeLimit,
      overflowPolicy: 'terminate',
      history: [{ destination: '/topic/slow', size: 10_000 }],
    });
  });
  afterAll(async () => running.close());

  it('is paced by what the client reads: never over the send budget, never cut off, every message in order', async () => {
    const template = running.app.get(SimpMessagingTemplate);
    const core = running.app.get(StompCore);
    const count = 10_000;
    const payload = 'x'.repeat(KIB);
    for (let i = 0; i < count; i++) await template.convertAndSend('/topic/slow', `${i}:${payload}`);

    const client = await RawStompClient.connect(running.baseUrl);
    const sessionId = client.framesOf('CONNECTED')[0].headers.session;
    const socket = (client.ws as unknown as { _socket: { pause(): void; resume(): void } })._socket;
    socket.pause();
    client.sendFrame('SUBSCRIBE', { id: 's', destination: '/topic/slow', 'x-stream-offset': 'first', receipt: 'caught-up' });

    // A reader that takes a sip every 25 ms; meanwhile the server side's buffered bytes are sampled.
    let maxBuffered = 0;
    const sampler = setInterval(() => {
      const buffered = core.directory.session(sessionId)?.connection.bufferedBytes?.() ?? 0;
      maxBuffered = Math.max(maxBuffered, buffered);
    }, 2);
    const sipper = setInterval(() => {
      socket.resume();
      setTimeout(() => socket.pause(), 3);
    }, 25);
    try {
      await client.until(() => client.isClosed || client.framesOf('RECEIPT').length > 0, 60_000, 'the RECEIPT after the replay');
    } finally {
      clearInterval(sipper);
      clearInterval(sampler);
      socket.resume();
    }
    expect(client.isClosed).toBe(false);
    const messages = client.framesOf('MESSAGE');
    expect(messages.map((m) => Number(m.body.slice(0, m.body.indexOf(':'))))).toEqual([...Array(count).keys()]);
    expect(messages.map(offsetOf)).toEqual([...Array(count).keys()]);
    // The queue's budget is sendBufferSizeLimit, but never less than messageSizeLimit (64 KiB) + 64 KiB.
    expect(maxBuffered).toBeGreaterThan(0);
    expect(maxBuffered).toBeLessThanOrEqual(128 * KIB);
    await client.close();
  }, 90_000);
});
