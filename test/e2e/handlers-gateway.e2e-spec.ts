import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { Controller, type INestApplication } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import {
  ConnectedSocket,
  MessageBody,
  SubscribeMessage,
  WebSocketGateway,
  WebSocketServer,
  WsException,
  type OnGatewayConnection,
  type OnGatewayDisconnect,
} from '@nestjs/websockets';
import type { AddressInfo } from 'node:net';
import { MessageMapping, SimpMessagingTemplate, StompAdapter, StompModule, type StompGatewayClient } from '../../lib/index.js';
import { connectWebSocket } from '../fixtures/stomp-clients.fixture.js';
import { as, USER_OPTIONS, userClients } from '../fixtures/handlers.fixture.js';

@WebSocketGateway()
class ChatGateway implements OnGatewayConnection, OnGatewayDisconnect {
  @WebSocketServer() server!: SimpMessagingTemplate;
  readonly connected: string[] = [];
  private disconnected: (id: string) => void = () => undefined;

  handleConnection(client: StompGatewayClient) {
    this.connected.push(client.id);
  }

  handleDisconnect(client: StompGatewayClient) {
    this.disconnected(client.id);
  }

  nextDisconnect(): Promise<string> {
    return new Promise((resolve) => (this.disconnected = resolve));
  }

  @SubscribeMessage('/hello')
  hello(@MessageBody() body: { name: string }, @ConnectedSocket() client: StompGatewayClient) {
    return { event: '/topic/greetings', data: `Hello ${body.name} from ${client.session.userName}` };
  }

  @SubscribeMessage('/shout')
  async shout(@MessageBody() text: string) {
    return text.toUpperCase();
  }

  @SubscribeMessage('/fail')
  fail() {
    throw new WsException('gateway says no');
  }

  @SubscribeMessage('/push')
  async push() {
    await this.server.convertAndSend('/topic/pushed', 'via @WebSocketServer');
  }
}

@Controller()
class MappedController {
  @MessageMapping('/mapped')
  mapped() {
    return 'from @MessageMapping';
  }
}

describe('StompAdapter: @WebSocketGateway handlers over STOMP', () => {
  let app: INestApplication;
  let baseUrl: string;
  let gateway: ChatGateway;
  const { connect, disconnectAll } = userClients(() => baseUrl);

  beforeAll(async () => {
    const moduleRef = await Test.createTestingModule({
      imports: [StompModule.forRoot(USER_OPTIONS)],
      controllers: [MappedController],
      providers: [ChatGateway],
    }).compile();
    app = moduleRef.createNestApplication({ logger: ['error'] });
    app.useWebSocketAdapter(new StompAdapter(app));
    await app.listen(0, '127.0.0.1');
    baseUrl = `http://127.0.0.1:${(app.getHttpServer().address() as AddressInfo).port}`;
    gateway = app.get(ChatGateway);
  });
  afterAll(async () => {
    await disconnectAll();
    await app.close();
  });

  it('calls handleConnection and handleDisconnect with the session', async () => {
    const ana = await connectWebSocket(baseUrl, '/stomp', as('ana'));
    expect(gateway.connected).toContain(ana.connected.headers.session);
    const disconnected = gateway.nextDisconnect();
    await ana.disconnect();
    expect(await disconnected).toBe(ana.connected.headers.session);
  });

  it('publishes a returned { event, data } to destination event', async () => {
    const [ana, bob] = await Promise.all([connect('ana'), connect('bob')]);
    const greetings = await bob.subscribeConfirmed('/topic/greetings');
    await ana.sendConfirmed('/app/hello', JSON.stringify({ name: 'Bob' }));
    expect((await greetings.waitFor(1))[0].body).toBe('Hello Bob from ana');
  });

  it('sends other return values to the sender: its reply-to user destination, else /user/queue/reply', async () => {
    const [ana, ana2] = await Promise.all([connect('ana'), connect('ana')]);
    const reply = await ana.subscribeConfirmed('/user/queue/reply');
    const mine = await ana.subscribeConfirmed('/user/queue/mine');
    const siblingReply = await ana2.subscribeConfirmed('/user/queue/reply');
    await ana.sendConfirmed('/app/shout', 'hey');
    await ana.sendConfirmed('/app/shout', 'you', { 'reply-to': '/user/queue/mine' });
    expect((await reply.waitFor(1))[0].body).toBe('HEY');
    expect((await mine.waitFor(1))[0].body).toBe('YOU');
    await ana2.sendConfirmed('/app/shout', 'own');
    expect((await siblingReply.waitFor(1))[0].body).toBe('OWN');
  });

  it('refuses a reply-to outside the user destinations and reports gateway errors to /user/queue/errors', async () => {
    const ana = await connect('ana');
    const errors = await ana.subscribeConfirmed('/user/queue/errors');
    await ana.sendConfirmed('/app/shout', 'x', { 'reply-to': '/topic/everyone' });
    await ana.sendConfirmed('/app/fail', 'x');
    const [refused, failed] = await errors.waitFor(2);
    expect(JSON.parse(refused.body).message).toBe("reply-to must be a user destination such as '/user/queue/reply'");
    expect(JSON.parse(failed.body)).toMatchObject({ status: 'error', message: 'gateway says no' });
  });

  it('shares the endpoint with @MessageMapping handlers and gives gateways the template as server', async () => {
    const ana = await connect('ana');
    const mapped = await ana.subscribeConfirmed('/topic/mapped');
    const pushed = await ana.subscribeConfirmed('/topic/pushed');
    await ana.sendConfirmed('/app/mapped', '');
    await ana.sendConfirmed('/app/push', '');
    expect((await mapped.waitFor(1))[0].body).toBe('from @MessageMapping');
    expect((await pushed.waitFor(1))[0].body).toBe('via @WebSocketServer');
  });
});
