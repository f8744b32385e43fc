import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { INestApplication } from '@nestjs/common';
import { WsAdapter } from '@nestjs/platform-ws';
import { Test } from '@nestjs/testing';
import { MessageBody, SubscribeMessage, WebSocketGateway } from '@nestjs/websockets';
import type { AddressInfo } from 'node:net';
import WebSocket from 'ws';
import { StompModule } from '../../lib/index.js';
import { TEST_OPTIONS } from '../fixtures/stomp-app.fixture.js';
import { connectSockJs } from '../fixtures/stomp-clients.fixture.js';
import { RawStompClient } from '../fixtures/raw-stomp.fixture.js';

@WebSocketGateway({ path: '/native' })
class PingGateway {
  @SubscribeMessage('ping')
  ping(@MessageBody() data: unknown): { event: string; data: unknown } {
    return { event: 'pong', data };
  }
}

/** Sends one Nest `ws` gateway message on /native and resolves with the reply. */
function pingNative(baseUrl: string, data: unknown): Promise<{ event: string; data: unknown }> {
  const ws = new WebSocket(`${baseUrl.replace(/^http/, 'ws')}/native`);
  return new Promise((resolve, reject) => {
    ws.once('error', reject);
    ws.once('open', () => ws.send(JSON.stringify({ event: 'ping', data })));
    ws.once('message', (reply) => {
      ws.close();
      resolve(JSON.parse(reply.toString()) as { event: string; data: unknown });
    });
  });
}

describe('an app with a @nestjs/platform-ws gateway and the STOMP endpoint on one server', () => {
  let app: INestApplication;
  let baseUrl: string;

  beforeAll(async () => {
    const moduleRef = await Test.createTestingModule({
      imports: [StompModule.forRoot(TEST_OPTIONS)],
      providers: [PingGateway],
    }).compile();
    app = moduleRef.createNestApplication({ logger: ['error'] });
    app.useWebSocketAdapter(new WsAdapter(app));
    await app.listen(0, '127.0.0.1');
    baseUrl = `http://127.0.0.1:${(app.getHttpServer().address() as AddressInfo).port}`;
  });
  afterAll(async () => app.close());

  it('the gateway on /native answers', async () => {
    expect(await pingNative(baseUrl, { n: 1 })).toEqual({ event: 'pong', data: { n: 1 } });
  });

  it('STOMP works on /stomp over raw WebSocket and SockJS (websocket and xhr-streaming) at the same time', async () => {
    const raw = await RawStompClient.connect(baseUrl);
    await raw.sendWithReceipt('SUBSCRIBE', { id: 'g', destination: '/topic/gw' });
    const sockWs = await connectSockJs(baseUrl, 'websocket');
    expect(sockWs.transport()).toBe('websocket');
    const sockStream = await connectSockJs(baseUrl, 'xhr-streaming');
    const inbox = await sockStream.subscribeConfirmed('/topic/gw');

    await sockWs.sendConfirmed('/topic/gw', 'next to a gateway');
    expect((await raw.waitFor((f) => f.command === 'MESSAGE')).body).toBe('next to a gateway');
    expect((await inbox.waitFor(1))[0].body).toBe('next to a gateway');

    // And the gateway still answers while STOMP sessions are open.
    expect(await pingNative(baseUrl, 'still here')).toEqual({ event: 'pong', data: 'still here' });

    await sockWs.disconnect();
    await sockStream.disconnect();
    await raw.close();
  });
});
