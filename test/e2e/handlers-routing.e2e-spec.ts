import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { Controller, createParamDecorator, ParseIntPipe, type ExecutionContext } from '@nestjs/common';
import { interval, map, take } from 'rxjs';
import {
  DestinationVariable,
  MessageHeader,
  MessageHeaders,
  MessageMapping,
  Payload,
  Principal,
  SendTo,
  SendToUser,
  StompSession,
  SubscribeMapping,
  type StompPrincipal,
} from '../../lib/index.js';
import { startApp, TEST_OPTIONS, type RunningApp } from '../fixtures/stomp-app.fixture.js';
import { connectWebSocket, type TestClient } from '../fixtures/stomp-clients.fixture.js';

/** A user's own `createParamDecorator` works on STOMP handlers, with the session as the WS client. */
const UserName = createParamDecorator(
  (_data: unknown, context: ExecutionContext) => context.switchToWs().getClient<StompSession>().userName,
);

@Controller()
@MessageMapping('/chat')
class ChatController {
  @MessageMapping('/greeting')
  greet(@Payload('name') name: string) {
    return { text: `Hello ${name}` };
  }

  @MessageMapping('/room/{roomId}')
  @SendTo('/topic/rooms/{roomId}')
  room(@DestinationVariable('roomId') roomId: string, @Payload('text') text: string, @Principal() user: StompPrincipal) {
    return { roomId, text, from: user.name };
  }

  @MessageMapping('/whisper')
  @SendToUser('/queue/whispers')
  whisper(@Payload() text: string, @StompSession() session: StompSession) {
    return `${session.userName}:${text}`;
  }

  @MessageMapping('/echo-self')
  @SendToUser({ broadcast: false })
  echoSelf(@Payload() text: string, @MessageHeader('x-tag') tag: string) {
    return `${tag}:${text}`;
  }

  @MessageMapping('/both')
  @SendTo('/topic/both')
  @SendToUser('/queue/both')
  both(@Payload() text: string) {
    return text;
  }

  @MessageMapping('/sum/{a}')
  sum(
    @DestinationVariable('a', ParseIntPipe) a: number,
    @DestinationVariable() all: Record<string, string>,
    @MessageHeaders() headers: Record<string, string>,
    @UserName() user: string,
  ) {
    return { sum: a + Number(headers['x-b']), all, user, destination: headers.destination };
  }

  @SubscribeMapping('/snapshot')
  snapshot(@StompSession() session: StompSession) {
    return { items: [1, 2, 3], user: session.userName };
  }

  @SubscribeMapping('/announcements')
  @SendTo('/topic/announcements')
  announce(@StompSession() session: StompSession) {
    return `${session.userName} is listening`;
  }

  @MessageMapping('/count')
  count(@Payload() n: number) {
    return interval(5).pipe(
      take(n),
      map((i) => i + 1),
    );
  }

  @MessageMapping('/nothing')
  async nothing(): Promise<undefined> {
    return undefined;
  }

  @MessageMapping('/kind')
  kind(@Payload() payload: unknown) {
    return Buffer.isBuffer(payload) ? `buffer:${payload.length}` : `${typeof payload}:${JSON.stringify(payload)}`;
  }
}

@Controller()
@SendTo('/topic/class-level')
class ClassLevelController {
  @MessageMapping('/inherits')
  inherits(@Payload() text: string) {
    return `inherited:${text}`;
  }

  @MessageMapping('/overrides')
  @SendTo('/topic/own')
  overrides(@Payload() text: string) {
    return `own:${text}`;
  }
}

const login = (name: string) => ({ connectHeaders: { login: name } });

describe('@MessageMapping routing and replies', () => {
  let running: RunningApp;
  const clients: TestClient[] = [];
  const connect = async (name: string) => {
    const client = await connectWebSocket(running.baseUrl, '/stomp', login(name));
    clients.push(client);
    return client;
  };

  beforeAll(async () => {
    running = await startApp(
      { ...TEST_OPTIONS, authenticate: ({ headers }) => ({ name: headers.login }) },
      { controllers: [ChatController, ClassLevelController] },
    );
  });
  afterAll(async () => {
    await Promise.all(clients.map((c) => c.disconnect()));
    await running.close();
  });

  it('broadcasts to the first broker prefix plus the destination by default', async () => {
    const ana = await connect('ana');
    const inbox = await ana.subscribeConfirmed('/topic/chat/greeting');
    await ana.sendConfirmed('/app/chat/greeting', JSON.stringify({ name: 'Ana' }), { 'content-type': 'application/json' });
    const [message] = await inbox.waitFor(1);
    expect(JSON.parse(message.body)).toEqual({ text: 'Hello Ana' });
    expect(message.headers['content-type']).toBe('application/json');
  });

  it('fills {var} of @SendTo from the destination and resolves @DestinationVariable and @Principal', async () => {
    const ana = await connect('ana');
    const lobby = await ana.subscribeConfirmed('/topic/rooms/lobby');
    const other = await ana.subscribeConfirmed('/topic/rooms/other');
    await ana.sendConfirmed('/app/chat/room/lobby', JSON.stringify({ text: 'hi' }));
    await ana.sendConfirmed('/app/chat/room/other', JSON.stringify({ text: 'yo' }));
    expect(JSON.parse((await lobby.waitFor(1))[0].body)).toEqual({ roomId: 'lobby', text: 'hi', from: 'ana' });
    expect(JSON.parse((await other.waitFor(1))[0].body)).toEqual({ roomId: 'other', text: 'yo', from: 'ana' });
    expect(lobby.messages).toHaveLength(1);
  });

  it('resolves parameter pipes, all headers, all variables and custom param decorators', async () => {
    const ana = await connect('ana');
    const inbox = await ana.subscribeConfirmed('/topic/chat/sum/2');
    await ana.sendConfirmed('/app/chat/sum/2', '', { 'x-b': '40' });
    expect(JSON.parse((await inbox.waitFor(1))[0].body)).toEqual({ sum: 42, all: { a: '2' }, user: 'ana', destination: '/app/chat/sum/2' });
  });

  it('@SendToUser reaches every session of the sender and no other user', async () => {
    const [ana1, ana2, bob] = await Promise.all([connect('ana'), connect('ana'), connect('bob')]);
    const inboxes = await Promise.all([ana1, ana2, bob].map((c) => c.subscribeConfirmed('/user/queue/whispers')));
    await ana1.sendConfirmed('/app/chat/whisper', 'psst');
    const [[m1], [m2]] = await Promise.all([inboxes[0].waitFor(1), inboxes[1].waitFor(1)]);
    expect([m1.body, m2.body]).toEqual(['ana:psst', 'ana:psst']);
    expect(m1.headers.destination).toBe('/user/queue/whispers');
    // Bob's own whisper is the first thing he sees: ana's never reached him.
    await bob.sendConfirmed('/app/chat/whisper', 'hey');
    expect((await inboxes[2].waitFor(1))[0].body).toBe('bob:hey');
  });

  it('@SendToUser({ broadcast: false }) reaches only the sending session, at /queue + destination', async () => {
    const [ana1, ana2] = await Promise.all([connect('ana'), connect('ana')]);
    const [own, sibling] = await Promise.all([ana1, ana2].map((c) => c.subscribeConfirmed('/user/queue/chat/echo-self')));
    await ana1.sendConfirmed('/app/chat/echo-self', 'one', { 'x-tag': 't1' });
    expect((await own.waitFor(1))[0].body).toBe('t1:one');
    await ana2.sendConfirmed('/app/chat/echo-self', 'two', { 'x-tag': 't2' });
    expect((await sibling.waitFor(1))[0].body).toBe('t2:two');
    expect(own.messages).toHaveLength(1);
  });

  it('@SendTo and @SendToUser together send to both', async () => {
    const ana = await connect('ana');
    const topic = await ana.subscribeConfirmed('/topic/both');
    const user = await ana.subscribeConfirmed('/user/queue/both');
    await ana.sendConfirmed('/app/chat/both', 'x');
    expect((await topic.waitFor(1))[0].body).toBe('x');
    expect((await user.waitFor(1))[0].body).toBe('x');
  });

  it('@SubscribeMapping answers the subscriber only, on its subscription', async () => {
    const [ana, bob] = await Promise.all([connect('ana'), connect('bob')]);
    const watcher = await bob.subscribeConfirmed('/topic/chat/snapshot');
    const snapshot = await ana.subscribeConfirmed('/app/chat/snapshot');
    const [message] = await snapshot.waitFor(1);
    expect(JSON.parse(message.body)).toEqual({ items: [1, 2, 3], user: 'ana' });
    expect(message.headers.subscription).toBe(snapshot.id);
    expect(message.headers.destination).toBe('/app/chat/snapshot');
    await bob.sendConfirmed('/topic/chat/snapshot', 'marker');
    expect((await watcher.waitFor(1))[0].body).toBe('marker');
  });

  it('@SubscribeMapping with @SendTo broadcasts instead of answering the subscription', async () => {
    const [ana, bob] = await Promise.all([connect('ana'), connect('bob')]);
    const topic = await bob.subscribeConfirmed('/topic/announcements');
    const subscription = await ana.subscribeConfirmed('/app/chat/announcements');
    expect((await topic.waitFor(1))[0].body).toBe('ana is listening');
    await ana.sendConfirmed('/topic/announcements', 'marker');
    expect((await topic.waitFor(2))[1].body).toBe('marker');
    expect(subscription.messages).toHaveLength(0);
  });

  it('sends every emission of an Observable, in order', async () => {
    const ana = await connect('ana');
    const inbox = await ana.subscribeConfirmed('/topic/chat/count');
    await ana.sendConfirmed('/app/chat/count', '4', { 'content-type': 'application/json' });
    expect((await inbox.waitFor(4)).map((m) => m.body)).toEqual(['1', '2', '3', '4']);
  });

  it('sends nothing for undefined', async () => {
    const ana = await connect('ana');
    const inbox = await ana.subscribeConfirmed('/topic/chat/nothing');
    await ana.sendConfirmed('/app/chat/nothing', 'x');
    await ana.sendConfirmed('/topic/chat/nothing', 'marker');
    expect((await inbox.waitFor(1))[0].body).toBe('marker');
  });

  it('converts the payload by content type', async () => {
    const ana = await connect('ana');
    const inbox = await ana.subscribeConfirmed('/topic/chat/kind');
    await ana.sendConfirmed('/app/chat/kind', '{"a":1}', { 'content-type': 'application/json;charset=utf-8' });
    await ana.sendConfirmed('/app/chat/kind', '{"a":1}', { 'content-type': 'text/plain' });
    await ana.sendConfirmed('/app/chat/kind', 'abc', { 'content-type': 'application/octet-stream' });
    await ana.sendConfirmed('/app/chat/kind', '[1,2]');
    await ana.sendConfirmed('/app/chat/kind', '42');
    expect((await inbox.waitFor(5)).map((m) => m.body)).toEqual([
      'object:{"a":1}',
      'string:"{\\"a\\":1}"',
      'buffer:3',
      'object:[1,2]',
      'string:"42"',
    ]);
  });

  it('applies a class-level @SendTo to methods without their own', async () => {
    const ana = await connect('ana');
    const classLevel = await ana.subscribeConfirmed('/topic/class-level');
    const own = await ana.subscribeConfirmed('/topic/own');
    await ana.sendConfirmed('/app/overrides', 'b');
    await ana.sendConfirmed('/app/inherits', 'a');
    expect((await classLevel.waitFor(1))[0].body).toBe('inherited:a');
    expect((await own.waitFor(1))[0].body).toBe('own:b');
  });
});
