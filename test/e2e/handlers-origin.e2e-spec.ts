import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { Controller } from '@nestjs/common';
import { MessageMapping, SendTo } from '../../lib/index.js';
import { startApp, type RunningApp } from '../fixtures/stomp-app.fixture.js';
import { connectSockJs, type TestClient } from '../fixtures/stomp-clients.fixture.js';

/** The write-up's `MessageVO`. */
class MessageVO {
  sendMessage!: string;
  senderName?: string;
}

/** The original Spring controller, line for line: undecorated parameters are the payload, as in Spring. */
@Controller()
class SocketController {
  @MessageMapping('/hello')
  @SendTo('/topic/roomId')
  broadcasting(message: MessageVO): MessageVO {
    return message;
  }

  @MessageMapping('/out')
  @SendTo('/topic/out')
  outroom(message: string): string {
    return message;
  }

  @MessageMapping('/in')
  @SendTo('/topic/in')
  inroom(message: string): string {
    return message;
  }
}

describe('the original system: /dap application prefix, /block SockJS endpoint', () => {
  let running: RunningApp;
  const clients: TestClient[] = [];

  beforeAll(async () => {
    running = await startApp(
      {
        endpoint: '/block',
        appPrefix: '/dap',
        brokerPrefixes: '/topic/',
        allowedOrigins: ['*'],
        httpMessageCacheSize: 1000,
        streamBytesLimit: 512 * 1024,
        disconnectDelay: 1000,
      },
      { controllers: [SocketController] },
    );
    clients.push(
      await connectSockJs(running.baseUrl, 'xhr-streaming', '/block'),
      await connectSockJs(running.baseUrl, 'websocket', '/block'),
    );
  });
  afterAll(async () => {
    await Promise.all(clients.map((c) => c.disconnect()));
    await running.close();
  });

  it('/dap/hello broadcasts the message object to /topic/roomId', async () => {
    const [sender, watcher] = clients;
    const room = await watcher.subscribeConfirmed('/topic/roomId');
    await sender.sendConfirmed('/dap/hello', JSON.stringify({ sendMessage: 'hi all', senderName: 'kim' }));
    const [message] = await room.waitFor(1);
    expect(JSON.parse(message.body)).toEqual({ sendMessage: 'hi all', senderName: 'kim' });
    expect(message.headers['content-type']).toBe('application/json');
  });

  it('/dap/in and /dap/out echo the text to /topic/in and /topic/out', async () => {
    const [sender, watcher] = clients;
    const inbox = await watcher.subscribeConfirmed('/topic/in');
    const outbox = await watcher.subscribeConfirmed('/topic/out');
    await sender.sendConfirmed('/dap/in', 'kim entered');
    await sender.sendConfirmed('/dap/out', 'kim left');
    expect((await inbox.waitFor(1))[0].body).toBe('kim entered');
    expect((await outbox.waitFor(1))[0].body).toBe('kim left');
  });
});
