import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { Controller } from '@nestjs/common';
import type { IMessage } from '@stomp/stompjs';
import { MessageHeader, MessageMapping, Payload, SendTo, SimpMessagingTemplate, SubscribeMapping } from '../../lib/index.js';
import { startApp, type RunningApp } from '../fixtures/stomp-app.fixture.js';
import { connectSockJs, connectWebSocket, type SockJsTransport, type TestClient } from '../fixtures/stomp-clients.fixture.js';
import { RawStompClient } from '../fixtures/raw-stomp.fixture.js';

/**
 * A body that is not UTF-8 and that forges a MESSAGE for `subscription` once a text-only
 * transport has replaced each invalid byte (1 byte) by U+FFFD (3 bytes) under the original
 * content-length: the reader stops short and parses the tail as a frame the sender wrote.
 */
function forgingBody(subscription: string): Buffer {
  const forged = `MESSAGE\ndestination:/topic/hostile\nsubscription:${subscription}\nmessage-id:forged\n\nforged`;
  // Each invalid byte grows by 2 bytes; LFs before the forged frame read as heart-beats.
  const invalid = Math.ceil((forged.length + 1) / 2);
  return Buffer.concat([Buffer.alloc(invalid, 0xff), Buffer.from('\n'.repeat(2 * invalid) + forged)]);
}

/** One SEND with exactly these body bytes, as one binary WebSocket message. */
function sendBytes(client: RawStompClient, destination: string, body: Buffer, receipt: string): void {
  const head = Buffer.from(`SEND\ndestination:${destination}\ncontent-length:${body.length}\nreceipt:${receipt}\n\n`);
  client.send(Buffer.concat([head, body, Buffer.from([0])]));
}

const TRANSPORTS: SockJsTransport[] = ['websocket', 'xhr-streaming'];

@Controller()
class HostileController {
  /** Echoes the sender's bytes to a topic: a handler reply through the template. */
  @MessageMapping('/echo')
  @SendTo('/topic/echoed')
  echo(@Payload() body: Buffer) {
    return body;
  }

  /** Answers the subscription itself (not through the broker) with a forging Buffer. */
  @SubscribeMapping('/snapshot')
  snapshot(@MessageHeader('id') subscriptionId: string) {
    return forgingBody(subscriptionId);
  }
}

describe('bodies that are not UTF-8, to SockJS subscribers', () => {
  let running: RunningApp;
  let template: SimpMessagingTemplate;
  let sender: RawStompClient;

  beforeAll(async () => {
    running = await startApp(undefined, { controllers: [HostileController] });
    template = running.app.get(SimpMessagingTemplate);
    sender = await RawStompClient.connect(running.baseUrl);
  });
  afterAll(async () => {
    await sender.close();
    await running.close();
  });

  /** Subscribes a SockJS client, catching any frame stompjs could not route to a subscription. */
  async function sockJsReceiver(transport: SockJsTransport): Promise<{ client: TestClient; unhandled: IMessage[] }> {
    const client = await connectSockJs(running.baseUrl, transport);
    const unhandled: IMessage[] = [];
    client.client.onUnhandledMessage = (m) => unhandled.push(m);
    return { client, unhandled };
  }

  /** The replaced body as a reader sees it: every invalid byte one U+FFFD. */
  function replaced(body: Buffer): Buffer {
    return Buffer.from(body.toString('utf8'), 'utf8');
  }

  it.each(TRANSPORTS)(
    'a SEND cannot inject a frame (SockJS %s): one message, body replaced, content-length matching',
    async (transport) => {
      const { client, unhandled } = await sockJsReceiver(transport);
      const inbox = await client.subscribeConfirmed('/topic/hostile');
      const body = forgingBody(inbox.id);
      sendBytes(sender, '/topic/hostile', body, `send-${transport}`);
      await sender.waitFor((f) => f.command === 'RECEIPT' && f.headers['receipt-id'] === `send-${transport}`);
      await sender.sendWithReceipt('SEND', { destination: '/topic/hostile' }, 'after');

      const [hostile, after] = await inbox.waitFor(2);
      expect(Buffer.from(hostile.binaryBody).equals(replaced(body))).toBe(true);
      expect(hostile.headers['content-length']).toBe(String(replaced(body).length));
      expect(hostile.headers['x-body-replaced']).toBe('utf8');
      expect(after.body).toBe('after');
      expect(after.headers['x-body-replaced']).toBeUndefined();
      expect(inbox.messages.map((m) => m.headers['message-id'])).not.toContain('forged');
      expect(unhandled).toEqual([]);
      expect(client.errors).toEqual([]);
      await client.disconnect();
    },
  );

  it('a Buffer pushed by SimpMessagingTemplate cannot inject a frame either', async () => {
    const { client, unhandled } = await sockJsReceiver('xhr-streaming');
    const inbox = await client.subscribeConfirmed('/topic/pushed');
    const body = forgingBody(inbox.id);
    expect(await template.convertAndSend('/topic/pushed', body)).toBe(1);
    await template.convertAndSend('/topic/pushed', 'after');

    const [pushed, after] = await inbox.waitFor(2);
    expect(Buffer.from(pushed.binaryBody).equals(replaced(body))).toBe(true);
    expect(pushed.headers['content-length']).toBe(String(replaced(body).length));
    expect(pushed.headers['x-body-replaced']).toBe('utf8');
    expect(pushed.headers['content-type']).toBe('application/octet-stream');
    expect(after.body).toBe('after');
    expect(inbox.messages).toHaveLength(2);
    expect(unhandled).toEqual([]);
    await client.disconnect();
  });

  it('a handler echoing the bytes (@SendTo) cannot inject a frame', async () => {
    const { client, unhandled } = await sockJsReceiver('xhr-streaming');
    const inbox = await client.subscribeConfirmed('/topic/echoed');
    const body = forgingBody(inbox.id);
    const head = Buffer.from(`SEND\ndestination:/app/echo\ncontent-type:application/octet-stream\ncontent-length:${body.length}\n\n`);
    sender.send(Buffer.concat([head, body, Buffer.from([0])]));
    await sender.sendWithReceipt('SEND', { destination: '/topic/echoed' }, 'after');

    const [echoed, after] = await inbox.waitFor(2);
    expect(Buffer.from(echoed.binaryBody).equals(replaced(body))).toBe(true);
    expect(echoed.headers['x-body-replaced']).toBe('utf8');
    expect(after.body).toBe('after');
    expect(unhandled).toEqual([]);
    await client.disconnect();
  });

  it('a @SubscribeMapping reply (sent to the subscription directly) cannot inject a frame', async () => {
    const { client, unhandled } = await sockJsReceiver('xhr-streaming');
    const inbox = await client.subscribeConfirmed('/app/snapshot');
    const [reply] = await inbox.waitFor(1);
    const body = forgingBody(inbox.id);
    expect(Buffer.from(reply.binaryBody).equals(replaced(body))).toBe(true);
    expect(reply.headers['content-length']).toBe(String(replaced(body).length));
    expect(reply.headers['x-body-replaced']).toBe('utf8');
    // A later frame on the session is read as a frame of its own.
    await client.sendConfirmed('/topic/none', 'x');
    expect(inbox.messages).toHaveLength(1);
    expect(unhandled).toEqual([]);
    await client.disconnect();
  });

  it('a sender cannot claim a replacement the server did not make', async () => {
    const { client } = await sockJsReceiver('xhr-streaming');
    const inbox = await client.subscribeConfirmed('/topic/claim');
    await sender.sendWithReceipt('SEND', { destination: '/topic/claim', 'x-body-replaced': 'utf8' }, 'plain');
    const [message] = await inbox.waitFor(1);
    expect(message.body).toBe('plain');
    expect(message.headers['x-body-replaced']).toBeUndefined();
    await client.disconnect();
  });
});

describe('bodies that are not UTF-8, to raw WebSocket subscribers', () => {
  let running: RunningApp;
  let sender: RawStompClient;

  beforeAll(async () => {
    running = await startApp(undefined, { controllers: [HostileController] });
    sender = await RawStompClient.connect(running.baseUrl);
  });
  afterAll(async () => {
    await sender.close();
    await running.close();
  });

  const bytes = Buffer.concat([Buffer.from('caf'), Buffer.from([0xe9, 0xff, 0x00, 0xc3])]);

  it('go out as a binary WebSocket message: a stompjs subscriber keeps its session and gets the exact bytes', async () => {
    const client = await connectWebSocket(running.baseUrl);
    const inbox = await client.subscribeConfirmed('/topic/bytes');
    sendBytes(sender, '/topic/bytes', bytes, 'ws-1');
    await sender.sendWithReceipt('SEND', { destination: '/topic/bytes', 'content-type': 'text/plain' }, 'after');

    const [binary, after] = await inbox.waitFor(2);
    expect(Buffer.from(binary.binaryBody).equals(bytes)).toBe(true);
    expect(binary.headers['content-length']).toBe(String(bytes.length));
    expect(binary.headers['x-body-replaced']).toBeUndefined();
    expect(after.body).toBe('after');
    expect(client.client.connected).toBe(true);
    await client.disconnect();
  });

  it('whatever content-type the sender declared; a plain ws client sees binary, then text', async () => {
    const raw = await RawStompClient.connect(running.baseUrl);
    await raw.sendWithReceipt('SUBSCRIBE', { id: 'b', destination: '/topic/typed' });
    const isBinary: boolean[] = [];
    raw.ws.on('message', (_data, binary) => isBinary.push(binary));
    const head = Buffer.from(`SEND\ndestination:/topic/typed\ncontent-type:text/plain;charset=UTF-8\ncontent-length:${bytes.length}\n\n`);
    sender.send(Buffer.concat([head, bytes, Buffer.from([0])]));
    await sender.sendWithReceipt('SEND', { destination: '/topic/typed' }, 'after');

    const [first, second] = await raw.waitForCount((f) => f.command === 'MESSAGE', 2);
    expect(first.bodyBytes.equals(bytes)).toBe(true);
    expect(first.headers['content-type']).toBe('text/plain;charset=UTF-8');
    expect(second.body).toBe('after');
    expect(isBinary).toEqual([true, false]);
    expect(raw.isClosed).toBe(false);
    await raw.close();
  });

  it('a @SubscribeMapping reply that is not UTF-8 is binary too', async () => {
    const raw = await RawStompClient.connect(running.baseUrl);
    const isBinary: boolean[] = [];
    raw.ws.on('message', (_data, binary) => isBinary.push(binary));
    await raw.sendWithReceipt('SUBSCRIBE', { id: 'snap', destination: '/app/snapshot' });
    const reply = await raw.waitFor((f) => f.command === 'MESSAGE');
    expect(reply.bodyBytes.equals(forgingBody('snap'))).toBe(true);
    // RECEIPT and MESSAGE, in either order: only the MESSAGE is binary.
    expect(isBinary.filter(Boolean)).toHaveLength(1);
    expect(raw.isClosed).toBe(false);
    await raw.close();
  });

  it('a raw WebSocket subscriber of the same message gets the exact bytes, without the replacement header', async () => {
    const raw = await RawStompClient.connect(running.baseUrl);
    await raw.sendWithReceipt('SUBSCRIBE', { id: 'raw', destination: '/topic/both' });
    const client = await connectSockJs(running.baseUrl, 'xhr-streaming');
    const inbox = await client.subscribeConfirmed('/topic/both');
    const body = forgingBody(inbox.id);
    sendBytes(sender, '/topic/both', body, 'both');

    const [viaSockJs] = await inbox.waitFor(1);
    const viaWebSocket = await raw.waitFor((f) => f.command === 'MESSAGE');
    expect(viaWebSocket.bodyBytes.equals(body)).toBe(true);
    expect(viaWebSocket.headers['content-length']).toBe(String(body.length));
    expect(viaWebSocket.headers['x-body-replaced']).toBeUndefined();
    expect(viaSockJs.headers['x-body-replaced']).toBe('utf8');
    await client.disconnect();
    await raw.close();
  });
});

describe('headers only the server sets', () => {
  let running: RunningApp;
  beforeAll(async () => (running = await startApp()));
  afterAll(async () => running.close());

  const SERVER_OWNED = {
    'user-name': 'admin',
    session: 'someone-else',
    redelivered: 'true',
    'receipt-id': 'r-9',
    'x-stream-offset': '42',
    'x-stream-epoch': '7',
    'x-stream-gap': 'true',
    'x-stream-anything': 'x',
    'x-body-replaced': 'utf8',
    subscription: 'forged-sub',
    'message-id': 'forged-id',
    ack: 'forged-ack',
  };

  it('a publisher cannot set them: the subscriber sees only what the server set, and the custom headers', async () => {
    const subscriber = await RawStompClient.connect(running.baseUrl);
    await subscriber.sendWithReceipt('SUBSCRIBE', { id: 'own', destination: '/topic/owned', ack: 'client-individual' });
    const publisher = await RawStompClient.connect(running.baseUrl);
    await publisher.sendWithReceipt(
      'SEND',
      { destination: '/topic/owned', 'content-type': 'text/plain', 'x-custom': 'kept', ...SERVER_OWNED },
      'hi',
    );

    const message = await subscriber.waitFor((f) => f.command === 'MESSAGE');
    expect(message.body).toBe('hi');
    expect(message.headers).toEqual({
      subscription: 'own',
      'message-id': message.headers['message-id'],
      ack: message.headers['message-id'],
      destination: '/topic/owned',
      'content-type': 'text/plain',
      'x-custom': 'kept',
      'content-length': '2',
    });
    expect(message.headers['message-id']).not.toBe('forged-id');
    await publisher.close();
    await subscriber.close();
  });
});

describe('control bytes and padded names in headers', () => {
  let running: RunningApp;
  beforeAll(async () => (running = await startApp()));
  afterAll(async () => running.close());

  it.each([
    [
      'a NUL in a header value',
      'x-note:a\u0000MESSAGE\ndestination:/topic/ctl\nsubscription:watch\n\nforged',
      'Header contains a NUL byte',
    ],
    ['an ESC in a header value', 'x-note:\u001b[2J', 'Header contains control byte 0x1b'],
    ['a header name with trailing whitespace', 'user-name :admin', "Header name 'user-name ' has leading or trailing whitespace"],
  ])('%s: ERROR and close for the offender, the other session goes on', async (_what, headerLine, message) => {
    const watcher = await RawStompClient.connect(running.baseUrl);
    await watcher.sendWithReceipt('SUBSCRIBE', { id: 'watch', destination: '/topic/ctl' });
    const offender = await RawStompClient.connect(running.baseUrl);
    offender.send(`SEND\ndestination:/topic/ctl\n${headerLine}\n\nbody\u0000`);

    const error = await offender.waitFor((f) => f.command === 'ERROR');
    expect(error.headers.message).toBe(message);
    await offender.closed;
    await watcher.sendWithReceipt('SEND', { destination: '/topic/ctl' }, 'after');
    const messages = await watcher.waitForCount((f) => f.command === 'MESSAGE', 1);
    expect(messages.map((m) => m.body)).toEqual(['after']);
    expect(watcher.framesOf('MESSAGE')).toHaveLength(1);
    expect(watcher.isClosed).toBe(false);
    await watcher.close();
  });
});
