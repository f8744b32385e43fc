import 'reflect-metadata';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { Controller } from '@nestjs/common';
import { firstValueFrom, filter, take, toArray } from 'rxjs';
import { MessageMapping, StompEvents, StompException, type StompSessionEvent } from '../../lib/index.js';
import { startApp, TEST_OPTIONS, type RunningApp } from '../fixtures/stomp-app.fixture.js';
import { RawStompClient, type RawFrame } from '../fixtures/raw-stomp.fixture.js';

// Every ERROR frame carries its stable code beside `message`, and the disconnect event carries the same code.

@Controller()
class FailingController {
  @MessageMapping('/refuse')
  refuse(): never {
    throw new StompException('Not today');
  }

  @MessageMapping('/crash')
  crash(): never {
    throw new Error('database password is hunter2');
  }
}

async function errorOf(client: RawStompClient): Promise<RawFrame> {
  const frame = await client.waitFor((f) => f.command === 'ERROR');
  await client.closed;
  return frame;
}

describe('stable error codes on ERROR frames and disconnect events', () => {
  let running: RunningApp;
  const disconnects: StompSessionEvent[] = [];

  beforeAll(async () => {
    running = await startApp(
      { ...TEST_OPTIONS, handlerErrors: 'fatal', maxTransactionsPerSession: 1, messageSizeLimit: 4096 },
      { controllers: [FailingController] },
    );
    running.app
      .get(StompEvents)
      .on('disconnect')
      .subscribe((event) => disconnects.push(event));
  });
  afterAll(async () => running?.close());

  const disconnectOf = async (sessionId: string) => {
    const deadline = Date.now() + 5000;
    while (Date.now() < deadline) {
      const event = disconnects.find((e) => e.sessionId === sessionId);
      if (event) return event;
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    throw new Error(`no disconnect event for ${sessionId}`);
  };

  const cases: Array<[string, (client: RawStompClient) => void, string]> = [
    ['a frame before CONNECT', (c) => c.sendFrame('SEND', { destination: '/topic/a' }, 'x'), 'NOT_CONNECTED'],
    ['an oversized frame', (c) => c.sendFrame('SEND', { destination: '/topic/a' }, 'x'.repeat(5000)), 'FRAME_TOO_LARGE'],
    [
      'a second open transaction',
      (c) => {
        c.sendFrame('BEGIN', { transaction: 't1' });
        c.sendFrame('BEGIN', { transaction: 't2' });
      },
      'TOO_MANY_TRANSACTIONS',
    ],
    ['an unknown destination', (c) => c.sendFrame('SEND', { destination: '/nowhere' }, 'x'), 'UNKNOWN_DESTINATION'],
    ['a SEND to a user destination', (c) => c.sendFrame('SEND', { destination: '/user/queue/x' }, 'x'), 'FORBIDDEN_DESTINATION'],
    ['a handler refusal', (c) => c.sendFrame('SEND', { destination: '/app/refuse' }, '{}'), 'HANDLER_REFUSED'],
    ['a handler crash', (c) => c.sendFrame('SEND', { destination: '/app/crash' }, '{}'), 'INTERNAL_ERROR'],
  ];

  it.each(cases)('%s: ERROR code header and disconnect code agree', async (_name, act, code) => {
    const before = code === 'NOT_CONNECTED';
    const client = before ? await RawStompClient.open(running.baseUrl) : await RawStompClient.connect(running.baseUrl);
    const sessionId = before ? undefined : client.framesOf('CONNECTED')[0].headers.session;
    act(client);
    const error = await errorOf(client);
    expect(error.headers.code).toBe(code);
    expect(error.headers.message).toBeTruthy();
    expect(error.headers.message).not.toContain('hunter2');
    if (sessionId) expect((await disconnectOf(sessionId)) as { code?: string }).toMatchObject({ type: 'disconnect', code });
  });

  it('a client DISCONNECT ends without a code', async () => {
    const client = await RawStompClient.connect(running.baseUrl);
    const sessionId = client.framesOf('CONNECTED')[0].headers.session;
    await client.sendWithReceipt('DISCONNECT');
    const event = await disconnectOf(sessionId);
    expect(event).toMatchObject({ type: 'disconnect', reason: 'client-disconnect' });
    expect((event as { code?: string }).code).toBeUndefined();
  });
});

describe('shutdown', () => {
  it('tells every connected session SERVER_SHUTDOWN', async () => {
    const running = await startApp(TEST_OPTIONS);
    const events = running.app.get(StompEvents);
    const clients = await Promise.all([0, 1].map(() => RawStompClient.connect(running.baseUrl)));
    const ended = firstValueFrom(
      events.on('disconnect').pipe(
        filter((e) => e.reason === 'shutdown'),
        take(2),
        toArray(),
      ),
    );
    await running.close();
    for (const client of clients) expect((await errorOf(client)).headers.code).toBe('SERVER_SHUTDOWN');
    expect((await ended).map((e) => (e as { code?: string }).code)).toEqual(['SERVER_SHUTDOWN', 'SERVER_SHUTDOWN']);
  });
});
