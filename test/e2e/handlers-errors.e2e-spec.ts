import { afterAll, afterEach, beforeAll, describe, expect, it, jest } from '@jest/globals';
import { Catch, Controller, Logger, UseFilters } from '@nestjs/common';
import { WsException } from '@nestjs/websockets';
import {
  BaseStompExceptionFilter,
  MessageMapping,
  Payload,
  StompException,
  type StompErrorBody,
  type StompMessage,
} from '../../lib/index.js';
import { startApp, type RunningApp } from '../fixtures/stomp-app.fixture.js';
import { connectWebSocket } from '../fixtures/stomp-clients.fixture.js';
import { as, sendWithReceipt, USER_OPTIONS, userClients } from '../fixtures/handlers.fixture.js';

@Catch()
class CodedErrorFilter extends BaseStompExceptionFilter {
  protected override errorBody(exception: unknown, message: StompMessage): StompErrorBody {
    return { ...super.errorBody(exception, message), code: exception instanceof StompException ? 'ROOM_FULL' : 'OTHER' };
  }
}

@Controller()
class FailingController {
  @MessageMapping('/boom')
  boom() {
    throw new Error('password=hunter2 leaked from the database driver');
  }

  @MessageMapping('/full')
  full() {
    throw new StompException('Room is full');
  }

  @MessageMapping('/ws')
  ws() {
    throw new WsException('ws says no');
  }

  @MessageMapping('/coded')
  @UseFilters(CodedErrorFilter)
  coded() {
    throw new StompException('Room is full');
  }

  @MessageMapping('/json')
  json(@Payload() body: unknown) {
    return body;
  }
}

describe('handler errors (handlerErrors: report)', () => {
  let running: RunningApp;
  const { connect, disconnectAll } = userClients(() => running.baseUrl);
  const logged = jest.spyOn(Logger.prototype, 'error').mockImplementation(() => undefined);

  beforeAll(async () => (running = await startApp(USER_OPTIONS, { controllers: [FailingController] })));
  afterAll(async () => {
    await disconnectAll();
    await running.close();
    logged.mockRestore();
  });
  afterEach(() => {
    logged.mockClear();
  });

  it('sends "Internal error" for an unexpected error, logs it once, and broadcasts nothing', async () => {
    const [ana, bob] = await Promise.all([connect('ana'), connect('bob')]);
    const errors = await ana.subscribeConfirmed('/user/queue/errors');
    const topic = await bob.subscribeConfirmed('/topic/boom');
    const receipt = await sendWithReceipt(ana, '/app/boom', '');
    expect(JSON.parse((await errors.waitFor(1))[0].body)).toEqual({ message: 'Internal error', destination: '/app/boom', receipt });
    const lines = logged.mock.calls.filter((call) => String(call[0]).includes('hunter2'));
    expect(lines).toHaveLength(1);
    expect(String(lines[0][0])).toContain('/app/boom');
    await bob.sendConfirmed('/topic/boom', 'marker');
    expect((await topic.waitFor(1))[0].body).toBe('marker');
  });

  it('passes StompException and WsException messages through', async () => {
    const ana = await connect('ana');
    const errors = await ana.subscribeConfirmed('/user/queue/errors');
    await ana.sendConfirmed('/app/full', '');
    await ana.sendConfirmed('/app/ws', '');
    expect((await errors.waitFor(2)).map((m) => JSON.parse(m.body).message)).toEqual(['Room is full', 'ws says no']);
    expect(logged).not.toHaveBeenCalled();
  });

  it('lets a filter extending BaseStompExceptionFilter reshape the body', async () => {
    const ana = await connect('ana');
    const errors = await ana.subscribeConfirmed('/user/queue/errors');
    const receipt = await sendWithReceipt(ana, '/app/coded', '');
    expect(JSON.parse((await errors.waitFor(1))[0].body)).toEqual({
      message: 'Room is full',
      destination: '/app/coded',
      receipt,
      code: 'ROOM_FULL',
    });
    expect(errors.messages).toHaveLength(1);
  });

  it('reports a destination without handler and a malformed JSON body', async () => {
    const ana = await connect('ana');
    const errors = await ana.subscribeConfirmed('/user/queue/errors');
    await ana.sendConfirmed('/app/nowhere', '');
    await ana.sendConfirmed('/app/json', '{oops', { 'content-type': 'application/json' });
    expect((await errors.waitFor(2)).map((m) => JSON.parse(m.body).message)).toEqual([
      "No handler for destination '/app/nowhere'",
      'Malformed JSON payload',
    ]);
  });

  it('falls back to an ERROR frame and close when the sender did not subscribe to its error queue', async () => {
    const ana = await connect('ana');
    ana.client.publish({ destination: '/app/full', body: '' });
    await ana.closed;
    expect(ana.errors.map((f) => f.headers.message)).toEqual(['Room is full']);
  });
});

describe('handler errors (handlerErrors: fatal)', () => {
  let running: RunningApp;
  beforeAll(async () => (running = await startApp({ ...USER_OPTIONS, handlerErrors: 'fatal' }, { controllers: [FailingController] })));
  afterAll(async () => running.close());

  it('sends an ERROR frame with the client-safe message and closes, even with an error queue', async () => {
    const ana = await connectWebSocket(running.baseUrl, '/stomp', as('ana'));
    const errors = await ana.subscribeConfirmed('/user/queue/errors');
    ana.client.publish({ destination: '/app/full', body: '', headers: { receipt: 'fatal-1' } });
    await ana.closed;
    expect(ana.errors).toHaveLength(1);
    expect(ana.errors[0].headers).toMatchObject({ message: 'Room is full', 'receipt-id': 'fatal-1' });
    expect(errors.messages).toHaveLength(0);
  });
});

describe('handler errors to a configured errorDestination', () => {
  let running: RunningApp;
  beforeAll(async () => {
    running = await startApp({ ...USER_OPTIONS, errorDestination: '/queue/oops' }, { controllers: [FailingController] });
  });
  afterAll(async () => running.close());

  it('reports to /user/queue/oops and not to /user/queue/errors', async () => {
    const logged = jest.spyOn(Logger.prototype, 'error').mockImplementation(() => undefined);
    const ana = await connectWebSocket(running.baseUrl, '/stomp', as('ana'));
    const defaultErrors = await ana.subscribeConfirmed('/user/queue/errors');
    const errors = await ana.subscribeConfirmed('/user/queue/oops');
    await ana.sendConfirmed('/app/full', '');
    expect(JSON.parse((await errors.waitFor(1))[0].body).message).toBe('Room is full');
    expect(defaultErrors.messages).toHaveLength(0);
    await ana.disconnect();
    logged.mockRestore();
  });
});
