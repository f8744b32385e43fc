import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { Controller } from '@nestjs/common';
import { finalize, interval } from 'rxjs';
import { MessageMapping, SendToUser } from '../../lib/index.js';
import { startApp, type RunningApp } from '../fixtures/stomp-app.fixture.js';
import { connectWebSocket } from '../fixtures/stomp-clients.fixture.js';
import { as, USER_OPTIONS } from '../fixtures/handlers.fixture.js';

/** Resolves when the ticker stream of a session has been released. */
let released: () => void = () => undefined;

@Controller()
class TickerController {
  @MessageMapping('/ticker')
  @SendToUser('/queue/ticks', { broadcast: false })
  ticker() {
    return interval(5).pipe(finalize(() => released()));
  }
}

describe('Observable results and the session lifetime', () => {
  let running: RunningApp;
  beforeAll(async () => (running = await startApp(USER_OPTIONS, { controllers: [TickerController] })));
  afterAll(async () => running.close());

  it('streams an endless Observable without holding back later frames, and releases it when the session ends', async () => {
    const ana = await connectWebSocket(running.baseUrl, '/stomp', as('ana'));
    const ticks = await ana.subscribeConfirmed('/user/queue/ticks');
    await ana.sendConfirmed('/app/ticker', '');
    // The session is not held until the (endless) stream completes: a later frame gets its RECEIPT.
    await ana.subscribeConfirmed('/topic/after');
    expect((await ticks.waitFor(3)).map((m) => m.body)).toEqual(['0', '1', '2']);
    const stopped = new Promise<void>((resolve) => (released = resolve));
    await ana.disconnect();
    await stopped;
  });
});
