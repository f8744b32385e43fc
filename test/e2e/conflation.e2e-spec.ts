import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { SimpMessagingTemplate, StompBrokerRegistry } from '../../lib/index.js';
import { startApp, TEST_OPTIONS, type RunningApp } from '../fixtures/stomp-app.fixture.js';
import { RawStompClient, type RawFrame } from '../fixtures/raw-stomp.fixture.js';

// A subscriber that stops reading while prices pour in: on a conflated destination it keeps its session
// and ends with the newest price per symbol; on an ordinary one the same traffic costs it its session.

const KIB = 1024;
const SYMBOLS = ['btc', 'eth', 'sol'];
const ROUNDS = 700;
const PAD = 'x'.repeat(16 * KIB);

const priceOf = (frame: RawFrame): { symbol: string; seq: number } => JSON.parse(frame.body.toString()) as { symbol: string; seq: number };

describe('conflation: the latest value, not a backlog', () => {
  let running: RunningApp;
  beforeAll(async () => {
    running = await startApp({
      ...TEST_OPTIONS,
      sendBufferSizeLimit: 64 * KIB,
      sendTimeLimit: 60_000,
      conflate: { destination: '/topic/prices/**', key: 'symbol' },
    });
  });
  afterAll(async () => running?.close());

  async function stalledSubscriber(destination: string): Promise<{ client: RawStompClient; sessionId: string }> {
    const client = await RawStompClient.connect(running.baseUrl);
    const sessionId = client.framesOf('CONNECTED')[0].headers.session;
    await client.sendWithReceipt('SUBSCRIBE', { id: 'p', destination });
    client.ws.pause();
    return { client, sessionId };
  }

  /** 3 symbols × 700 rounds of 16 KiB: about 33 MiB, far past what loopback's socket buffers absorb. */
  async function pourPrices(destination: string): Promise<Record<string, number>> {
    const template = running.app.get(SimpMessagingTemplate);
    const latest: Record<string, number> = {};
    let seq = 0;
    for (let round = 0; round < ROUNDS; round++) {
      for (const symbol of SYMBOLS) {
        latest[symbol] = seq;
        await template.convertAndSend(destination, { symbol, seq: seq++, pad: PAD }, { symbol });
      }
      // One turn of the event loop per round, so the socket really fills (a single burst is one write).
      await new Promise((resolve) => setImmediate(resolve));
    }
    return latest;
  }

  it('a subscriber that stopped reading stays connected and gets the newest price per symbol', async () => {
    const registry = running.app.get(StompBrokerRegistry);
    const { client, sessionId } = await stalledSubscriber('/topic/prices/crypto');
    const latest = await pourPrices('/topic/prices/crypto');

    const view = registry.sessionViews().find((s) => s.id === sessionId);
    expect(view).toBeDefined();
    expect(view!.conflatedMessages).toBeGreaterThan(ROUNDS);
    expect(registry.counters.sessionsClosed['send-buffer-overflow'] ?? 0).toBe(0);

    client.ws.resume();
    await client.until(
      () => SYMBOLS.every((symbol) => client.framesOf('MESSAGE').some((f) => priceOf(f).seq === latest[symbol])),
      20_000,
      'the newest price of every symbol',
    );
    const received = client.framesOf('MESSAGE').map(priceOf);
    expect(received.length).toBeLessThan(ROUNDS * SYMBOLS.length);
    // Per symbol, prices arrive in order: conflation replaces, it never reorders a symbol's values.
    for (const symbol of SYMBOLS) {
      const seqs = received.filter((p) => p.symbol === symbol).map((p) => p.seq);
      expect(seqs).toEqual([...seqs].sort((a, b) => a - b));
      expect(seqs.at(-1)).toBe(latest[symbol]);
    }
    expect(client.isClosed).toBe(false);
    await client.close();
  });

  it('the same traffic on a destination that is not conflated ends the stalled session (terminate policy)', async () => {
    const { client } = await stalledSubscriber('/topic/trades/crypto');
    await pourPrices('/topic/trades/crypto');
    client.ws.resume();
    const closed = await client.closed;
    expect(closed.code).toBe(4500);
  });
});
