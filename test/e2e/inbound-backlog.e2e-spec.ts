import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { Controller, Injectable } from '@nestjs/common';
import { MessageMapping, Payload, StompBrokerRegistry } from '../../lib/index.js';
import { startApp, TEST_OPTIONS, type RunningApp } from '../fixtures/stomp-app.fixture.js';
import { parseStompText, RawStompClient, SockJsHttpSession, stompFrame } from '../fixtures/raw-stomp.fixture.js';

const KIB = 1024;
const MESSAGE_SIZE_LIMIT = 16 * KIB;
const BACKLOG_BYTES = 32 * KIB;
const BACKLOG_FRAMES = 16;
/** What `ws` may already have read from the socket when reading pauses: one socket read (64 KiB) and one frame. */
const PAUSE_SLACK = 64 * KIB + MESSAGE_SIZE_LIMIT;

/** Records what the slow handler saw, and the largest backlog any session had while it ran. */
@Injectable()
class Seen {
  handled: number[] = [];
  maxBytes = 0;
  maxFrames = 0;
}

@Controller()
class SlowController {
  constructor(
    private readonly seen: Seen,
    private readonly registry: StompBrokerRegistry,
  ) {}

  @MessageMapping('/slow')
  async slow(@Payload() body: string): Promise<void> {
    for (const view of this.registry.sessionViews()) {
      this.seen.maxBytes = Math.max(this.seen.maxBytes, view.inboundBytes);
      this.seen.maxFrames = Math.max(this.seen.maxFrames, view.inboundFrames);
    }
    await new Promise((resolve) => setTimeout(resolve, 2));
    this.seen.handled.push(Number(body.slice(0, body.indexOf(':'))));
  }
}

describe('inbound backlog behind a slow async handler', () => {
  let running: RunningApp;
  let seen: Seen;
  let registry: StompBrokerRegistry;

  beforeAll(async () => {
    running = await startApp(
      {
        ...TEST_OPTIONS,
        messageSizeLimit: MESSAGE_SIZE_LIMIT,
        inboundBacklogBytesLimit: BACKLOG_BYTES,
        inboundBacklogFramesLimit: BACKLOG_FRAMES,
      },
      { controllers: [SlowController], providers: [Seen] },
    );
    seen = running.app.get(Seen);
    registry = running.app.get(StompBrokerRegistry);
  });
  afterAll(async () => running.close());

  it('raw WebSocket: reading pauses, the backlog stays bounded, and every frame is handled in order', async () => {
    seen.handled = [];
    const client = await RawStompClient.connect(running.baseUrl);
    const count = 300;
    // 300 x 4 KiB = 1.2 MiB sent at once, ~40 times the backlog limit.
    for (let i = 0; i < count - 1; i++) client.sendFrame('SEND', { destination: '/app/slow' }, `${i}:${'x'.repeat(4 * KIB)}`);
    await client.sendWithReceipt('SEND', { destination: '/app/slow' }, `${count - 1}:last`);
    expect(seen.handled).toEqual([...Array(count).keys()]);
    expect(seen.maxBytes).toBeGreaterThan(0);
    expect(seen.maxBytes).toBeLessThanOrEqual(BACKLOG_BYTES + PAUSE_SLACK);
    expect(seen.maxFrames).toBeLessThanOrEqual(BACKLOG_FRAMES + Math.ceil(PAUSE_SLACK / (4 * KIB)));
    // Drained and reading again: the session goes on.
    const view = registry.sessionViews().find((v) => v.id === client.frames[0].headers.session);
    expect(view).toMatchObject({ inboundFrames: 0, inboundBytes: 0 });
    expect(client.framesOf('ERROR')).toHaveLength(0);
    await client.sendWithReceipt('SUBSCRIBE', { id: 'after', destination: '/topic/after' });
    await client.sendWithReceipt('DISCONNECT');
  });

  it('SockJS (which cannot stop reading): ERROR INBOUND_BACKLOG and close once the backlog is over its limit', async () => {
    const before = registry.counters.sessionsClosed['protocol-error'] ?? 0;
    const session = new SockJsHttpSession(running.baseUrl);
    await session.open();
    await session.send([stompFrame('CONNECT', { 'accept-version': '1.2' })]);
    expect(parseStompText((await session.pollData()).messages[0])?.command).toBe('CONNECTED');
    const frames = Array.from({ length: 40 }, (_, i) => stompFrame('SEND', { destination: '/app/slow' }, `${i}:sockjs`));
    expect((await session.send(frames)).status).toBe(204);
    const polls = [await session.pollData()];
    while (polls.at(-1)!.type !== 'c') polls.push(await session.pollData());
    const errors = polls.flatMap((p) => p.messages.map((m) => parseStompText(m)!)).filter((f) => f.command === 'ERROR');
    expect(errors.map((e) => e.headers.message)).toEqual([expect.stringMatching(/too many frames waiting to be handled/i)]);
    expect(registry.counters.sessionsClosed['protocol-error']).toBe(before + 1);
  });
});
