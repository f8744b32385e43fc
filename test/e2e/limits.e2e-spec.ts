import { afterAll, afterEach, beforeAll, describe, expect, it } from '@jest/globals';
import { StompBrokerRegistry, type SessionCloseReason } from '../../lib/index.js';
import { startApp, TEST_OPTIONS, type RunningApp } from '../fixtures/stomp-app.fixture.js';
import { connectSockJs } from '../fixtures/stomp-clients.fixture.js';
import { RawStompClient, stompFrame, type RawFrame } from '../fixtures/raw-stomp.fixture.js';

const LIMITS = {
  ...TEST_OPTIONS,
  messageSizeLimit: 1024,
  maxHeaders: 8,
  maxHeaderLineLength: 256,
  maxSubscriptionsPerSession: 3,
  connectTimeout: 300,
  maxTransactionsPerSession: 2,
  maxFramesPerTransaction: 3,
  transactionBytesLimit: 2_000,
};

/** An ERROR message is for the client: no stack frame, no exception class, no source path. */
function expectNothingInternal(frame: RawFrame): void {
  const text = `${frame.headers.message ?? ''}\n${frame.body}`;
  expect(text).not.toMatch(/\bat .*\.(ts|js)\b/);
  expect(text).not.toMatch(/Error:/);
  expect(text).not.toMatch(/node_modules|\/lib\/|\.ts:\d+/);
}

describe('limits and malformed frames: ERROR frame, then close', () => {
  let running: RunningApp;
  let registry: StompBrokerRegistry;
  let checks = 0;

  beforeAll(async () => {
    running = await startApp(LIMITS);
    registry = running.app.get(StompBrokerRegistry);
  });
  afterAll(async () => running.close());

  // After every violation, a new session on the same server still works end to end.
  afterEach(async () => {
    const client = await RawStompClient.connect(running.baseUrl);
    const destination = `/topic/still-works-${++checks}`;
    await client.sendWithReceipt('SUBSCRIBE', { id: 'ok', destination });
    await client.sendWithReceipt('SEND', { destination }, 'still here');
    expect((await client.waitFor((f) => f.command === 'MESSAGE')).body).toBe('still here');
    await client.sendWithReceipt('DISCONNECT');
    await client.closed;
  });

  /** Connects, sends the given bytes, and checks the ERROR frame, the close that follows and the counted reason. */
  async function violate(
    send: (client: RawStompClient) => void,
    message: RegExp,
    options: { connect?: boolean; reason?: SessionCloseReason } = {},
  ): Promise<RawFrame> {
    const reason = options.reason ?? 'protocol-error';
    const before = registry.counters.sessionsClosed[reason] ?? 0;
    const client = options.connect === false ? await RawStompClient.open(running.baseUrl) : await RawStompClient.connect(running.baseUrl);
    send(client);
    const error = await client.waitFor((f) => f.command === 'ERROR');
    expect(error.headers.message).toMatch(message);
    expectNothingInternal(error);
    await client.closed;
    // The ERROR is the last thing the client gets.
    expect(client.frames.at(-1)).toBe(error);
    expect(registry.counters.sessionsClosed[reason]).toBe(before + 1);
    return error;
  }

  it('a frame over messageSizeLimit', async () => {
    await violate((c) => c.sendFrame('SEND', { destination: '/topic/a' }, 'x'.repeat(2000)), /too large/i);
  });

  it('a frame over messageSizeLimit that arrives in many small WebSocket messages', async () => {
    const frame = stompFrame('SEND', { destination: '/topic/a' }, 'y'.repeat(3000));
    await violate((c) => {
      for (let i = 0; i < frame.length; i += 100) c.send(frame.slice(i, i + 100));
    }, /too large/i);
  });

  it('a content-length that declares more than messageSizeLimit', async () => {
    await violate((c) => c.send('SEND\ndestination:/topic/a\ncontent-length:5000\n\nabc'), /too large/i);
  });

  it('too many headers', async () => {
    const headers: Record<string, string> = { destination: '/topic/a' };
    for (let i = 0; i < 10; i++) headers[`x-h${i}`] = String(i);
    await violate((c) => c.sendFrame('SEND', headers, 'b'), /too many headers/i);
  });

  it('a header line too long', async () => {
    await violate((c) => c.sendFrame('SEND', { destination: '/topic/a', 'x-long': 'v'.repeat(300) }), /too long/i);
  });

  it('a command line too long that never ends', async () => {
    await violate((c) => c.send('S'.repeat(400)), /too long/i);
  });

  it('a bad escape (\\q) in a SEND header (STOMP 1.2)', async () => {
    await violate((c) => c.send('SEND\ndestination:/topic/a\nx-bad:a\\qb\n\nbody\u0000'), /escape/i);
  });

  it('a bad content-length', async () => {
    await violate((c) => c.send('SEND\ndestination:/topic/a\ncontent-length:abc\n\nbody\u0000'), /content-length/i);
  });

  it('a content-length body not followed by NUL', async () => {
    await violate((c) => c.send('SEND\ndestination:/topic/a\ncontent-length:3\n\nabcd\u0000'), /NUL/);
  });

  it('an unknown command', async () => {
    await violate((c) => c.send('FROB\n\n\u0000'), /unknown command/i);
  });

  it('a server command sent by a client', async () => {
    await violate((c) => c.send('MESSAGE\ndestination:/topic/a\n\n\u0000'), /MESSAGE/);
  });

  it('SUBSCRIBE without id', async () => {
    await violate((c) => c.sendFrame('SUBSCRIBE', { destination: '/topic/a' }), /\bid\b/);
  });

  it('a duplicate subscription id', async () => {
    await violate((c) => {
      c.sendFrame('SUBSCRIBE', { id: 'dup', destination: '/topic/a' });
      c.sendFrame('SUBSCRIBE', { id: 'dup', destination: '/topic/b' });
    }, /dup.*already in use|already in use/i);
  });

  it('too many subscriptions (maxSubscriptionsPerSession)', async () => {
    const error = await violate((c) => {
      for (let i = 0; i < 4; i++) c.sendFrame('SUBSCRIBE', { id: `s${i}`, destination: `/topic/s${i}`, receipt: `r${i}` });
    }, /at most 3 subscriptions/i);
    expect(error.headers['receipt-id']).toBe('r3');
  });

  it('more than maxTransactionsPerSession open transactions', async () => {
    const error = await violate((c) => {
      for (let i = 0; i < 3; i++) c.sendFrame('BEGIN', { transaction: `t${i}`, receipt: `b${i}` });
    }, /at most 2 open transactions/i);
    expect(error.headers['receipt-id']).toBe('b2');
  });

  it('more than maxFramesPerTransaction frames in one transaction', async () => {
    await violate((c) => {
      c.sendFrame('BEGIN', { transaction: 't' });
      for (let i = 0; i < 4; i++) c.sendFrame('SEND', { destination: '/topic/tx', transaction: 't' }, `m${i}`);
    }, /at most 3 frames/i);
  });

  it('more than transactionBytesLimit held by the open transactions of a session together', async () => {
    await violate((c) => {
      c.sendFrame('BEGIN', { transaction: 'a' });
      c.sendFrame('BEGIN', { transaction: 'b' });
      c.sendFrame('SEND', { destination: '/topic/tx', transaction: 'a' }, 'x'.repeat(900));
      c.sendFrame('SEND', { destination: '/topic/tx', transaction: 'b' }, 'x'.repeat(900));
      c.sendFrame('SEND', { destination: '/topic/tx', transaction: 'b' }, 'x'.repeat(900));
    }, /at most 2000 bytes/i);
  });

  it('within the transaction limits: COMMIT and ABORT give the bytes and the slot back', async () => {
    const client = await RawStompClient.connect(running.baseUrl);
    await client.sendWithReceipt('SUBSCRIBE', { id: 'tx', destination: '/topic/tx-ok' });
    for (let round = 0; round < 3; round++) {
      await client.sendWithReceipt('BEGIN', { transaction: 'a' });
      await client.sendWithReceipt('BEGIN', { transaction: 'b' });
      await client.sendWithReceipt('SEND', { destination: '/topic/tx-ok', transaction: 'a' }, `${round}`.repeat(900));
      await client.sendWithReceipt('SEND', { destination: '/topic/tx-ok', transaction: 'b' }, 'dropped');
      await client.sendWithReceipt('COMMIT', { transaction: 'a' });
      await client.sendWithReceipt('ABORT', { transaction: 'b' });
    }
    const messages = await client.waitForCount((f) => f.command === 'MESSAGE', 3);
    expect(messages.map((m) => m.body)).toEqual(['0', '1', '2'].map((r) => r.repeat(900)));
    expect(client.framesOf('ERROR')).toHaveLength(0);
    await client.sendWithReceipt('DISCONNECT');
  });

  it('no CONNECT within connectTimeout', async () => {
    const started = Date.now();
    await violate(() => undefined, /CONNECT/, { connect: false, reason: 'connect-timeout' });
    expect(Date.now() - started).toBeGreaterThanOrEqual(250);
  });

  it('SEND before CONNECT', async () => {
    await violate((c) => c.sendFrame('SEND', { destination: '/topic/a' }, 'early'), /CONNECT first/i, { connect: false });
  });

  it('a second CONNECT', async () => {
    await violate((c) => c.sendFrame('CONNECT', { 'accept-version': '1.2' }), /already connected/i);
  });

  it('SEND to an unknown destination, with the receipt-id of the offending frame', async () => {
    const error = await violate(
      (c) => c.sendFrame('SEND', { destination: '/elsewhere/x', receipt: 'bad-send' }, 'x'),
      /unknown destination/i,
    );
    expect(error.headers['receipt-id']).toBe('bad-send');
  });

  it('SUBSCRIBE to an unknown destination', async () => {
    await violate((c) => c.sendFrame('SUBSCRIBE', { id: 'x', destination: '/elsewhere/x' }), /unknown destination/i);
  });

  it('no common version: ERROR with a version header', async () => {
    const error = await violate((c) => c.sendFrame('CONNECT', { 'accept-version': '9.9' }), /version/i, { connect: false });
    expect(error.headers.version?.split(',')).toEqual(expect.arrayContaining(['1.0', '1.1', '1.2']));
  });

  it('over SockJS too: a frame over messageSizeLimit ends the session with an ERROR frame', async () => {
    const client = await connectSockJs(running.baseUrl, 'xhr-polling');
    client.client.publish({ destination: '/topic/a', body: 'q'.repeat(2000) });
    await client.closed;
    expect(client.errors.map((e) => e.headers.message)).toEqual([expect.stringMatching(/too large/i)]);
  });
});
