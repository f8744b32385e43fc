import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { StompBrokerRegistry } from '../../lib/index.js';
import { startApp, TEST_OPTIONS, type RunningApp } from '../fixtures/stomp-app.fixture.js';
import { connectSockJs } from '../fixtures/stomp-clients.fixture.js';
import { RawStompClient, stompFrame } from '../fixtures/raw-stomp.fixture.js';

describe('STOMP protocol semantics', () => {
  let running: RunningApp;
  let registry: StompBrokerRegistry;
  const clients: RawStompClient[] = [];

  /** A connected raw client that is closed after the suite. */
  async function connect(headers: Record<string, string> = { 'accept-version': '1.2' }): Promise<RawStompClient> {
    const client = await RawStompClient.connect(running.baseUrl, headers);
    clients.push(client);
    return client;
  }

  beforeAll(async () => {
    running = await startApp({ ...TEST_OPTIONS, heartbeat: [100, 100] });
    registry = running.app.get(StompBrokerRegistry);
  });
  afterAll(async () => {
    await Promise.all(clients.map((c) => c.close()));
    await running.close();
  });

  describe('connecting', () => {
    it('CONNECT without accept-version is STOMP 1.0, where SUBSCRIBE needs no id', async () => {
      const client = await connect({});
      const connected = client.frames[0];
      expect(connected.command).toBe('CONNECTED');
      expect(connected.headers.version).toBe('1.0');
      await client.sendWithReceipt('SUBSCRIBE', { destination: '/topic/v10' });
      await client.sendWithReceipt('SEND', { destination: '/topic/v10' }, 'old school');
      const message = await client.waitFor((f) => f.command === 'MESSAGE');
      expect(message.body).toBe('old school');
      expect(message.headers.subscription).toBe('/topic/v10');
    });

    it('the STOMP command connects like CONNECT', async () => {
      const client = await RawStompClient.open(running.baseUrl);
      clients.push(client);
      client.sendFrame('STOMP', { 'accept-version': '1.1,1.2', host: 'localhost' });
      const connected = await client.waitFor((f) => f.command === 'CONNECTED');
      expect(connected.headers.version).toBe('1.2');
    });

    it('picks the highest common version and describes itself in CONNECTED', async () => {
      const client = await connect({ 'accept-version': '1.0,1.1', 'heart-beat': '0,0' });
      const connected = client.frames[0];
      expect(connected.headers.version).toBe('1.1');
      expect(connected.headers['heart-beat']).toBe('100,100');
      expect(connected.headers.session).toBeTruthy();
      expect(connected.headers.server).toBeTruthy();
      expect(registry.session(connected.headers.session)?.version).toBe('1.1');
    });
  });

  describe('receipts and DISCONNECT', () => {
    it('sends a RECEIPT for SUBSCRIBE, SEND and UNSUBSCRIBE; nothing arrives after UNSUBSCRIBE', async () => {
      const client = await connect();
      expect((await client.sendWithReceipt('SUBSCRIBE', { id: 'u', destination: '/topic/unsub' })).command).toBe('RECEIPT');
      await client.sendWithReceipt('SUBSCRIBE', { id: 'm', destination: '/topic/unsub-marker' });
      expect((await client.sendWithReceipt('SEND', { destination: '/topic/unsub' }, 'before')).command).toBe('RECEIPT');
      expect((await client.waitFor((f) => f.command === 'MESSAGE')).body).toBe('before');
      expect((await client.sendWithReceipt('UNSUBSCRIBE', { id: 'u' })).command).toBe('RECEIPT');
      await client.sendWithReceipt('SEND', { destination: '/topic/unsub' }, 'after');
      await client.sendWithReceipt('SEND', { destination: '/topic/unsub-marker' }, 'marker');
      await client.waitFor((f) => f.command === 'MESSAGE' && f.body === 'marker');
      expect(client.framesOf('MESSAGE').map((f) => f.body)).toEqual(['before', 'marker']);
    });

    it('DISCONNECT with a receipt gets its RECEIPT before the close, and frames after DISCONNECT are ignored', async () => {
      const watcher = await connect();
      await watcher.sendWithReceipt('SUBSCRIBE', { id: 'w', destination: '/topic/after-disconnect' });
      const leaving = await connect();
      leaving.send(
        stompFrame('DISCONNECT', { receipt: 'bye' }) +
          stompFrame('SEND', { destination: '/topic/after-disconnect' }, 'ghost') +
          stompFrame('SUBSCRIBE', { id: 'late', destination: '/topic/late' }),
      );
      await leaving.closed;
      expect(leaving.frames.map((f) => f.command)).toEqual(['CONNECTED', 'RECEIPT']);
      expect(leaving.frames[1].headers['receipt-id']).toBe('bye');

      const other = await connect();
      await other.sendWithReceipt('SEND', { destination: '/topic/after-disconnect' }, 'marker');
      await watcher.waitFor((f) => f.command === 'MESSAGE');
      expect(watcher.framesOf('MESSAGE').map((f) => f.body)).toEqual(['marker']);
      expect(registry.subscriptions().some((s) => s.destination === '/topic/late')).toBe(false);
    });
  });

  describe('heart-beats', () => {
    it('drops a client that negotiated heart-beats and went silent, and keeps one that sends EOLs', async () => {
      const before = registry.counters.sessionsClosed['heartbeat-timeout'] ?? 0;
      const silent = await connect({ 'accept-version': '1.2', 'heart-beat': '100,100' });
      const lively = await connect({ 'accept-version': '1.2', 'heart-beat': '100,100' });
      const beat = setInterval(() => lively.send('\n'), 40);
      try {
        const closed = await silent.closed;
        expect(closed.code).not.toBe(1000);
        const error = silent.frames.find((f) => f.command === 'ERROR');
        expect(error?.headers.message).toMatch(/heart-?beat/i);
        expect(registry.counters.sessionsClosed['heartbeat-timeout']).toBe(before + 1);

        // The lively client outlived the silent one and keeps going past several more periods.
        const beatsNow = lively.heartbeats;
        await lively.waitForHeartbeats(beatsNow + 4);
        expect(lively.isClosed).toBe(false);
        expect(registry.session(lively.frames[0].headers.session)).toBeDefined();
        await lively.sendWithReceipt('SUBSCRIBE', { id: 'alive', destination: '/topic/alive' });
      } finally {
        clearInterval(beat);
      }
      await lively.sendWithReceipt('DISCONNECT');
    });

    it('sends EOL heart-beats while idle to a client that asked for them, and none to one that did not', async () => {
      const wants = await connect({ 'accept-version': '1.2', 'heart-beat': '0,100' });
      const doesNot = await connect({ 'accept-version': '1.2', 'heart-beat': '0,0' });
      await wants.waitForHeartbeats(3);
      expect(doesNot.heartbeats).toBe(0);
      expect(wants.framesOf('MESSAGE')).toHaveLength(0);
    });
  });

  describe('transactions and acknowledgements', () => {
    it('BEGIN / SEND / COMMIT delivers only on COMMIT; ABORT drops', async () => {
      const client = await connect();
      await client.sendWithReceipt('SUBSCRIBE', { id: 't', destination: '/topic/tx' });
      await client.sendWithReceipt('BEGIN', { transaction: 'tx1' });
      await client.sendWithReceipt('SEND', { destination: '/topic/tx', transaction: 'tx1' }, 'one');
      await client.sendWithReceipt('SEND', { destination: '/topic/tx', transaction: 'tx1' }, 'two');
      // A MESSAGE would have come before these RECEIPTs on this connection.
      expect(client.framesOf('MESSAGE')).toHaveLength(0);
      await client.sendWithReceipt('COMMIT', { transaction: 'tx1' });
      expect(client.framesOf('MESSAGE').map((f) => f.body)).toEqual(['one', 'two']);

      await client.sendWithReceipt('BEGIN', { transaction: 'tx2' });
      await client.sendWithReceipt('SEND', { destination: '/topic/tx', transaction: 'tx2' }, 'dropped');
      await client.sendWithReceipt('ABORT', { transaction: 'tx2' });
      await client.sendWithReceipt('SEND', { destination: '/topic/tx' }, 'plain');
      await client.waitFor((f) => f.body === 'plain');
      expect(client.framesOf('MESSAGE').map((f) => f.body)).toEqual(['one', 'two', 'plain']);
    });

    it.each(['client', 'client-individual'])(
      'ACK and NACK are accepted for ack:%s subscriptions; MESSAGE has an ack header',
      async (ack) => {
        const client = await connect();
        const destination = `/topic/ack-${ack}`;
        await client.sendWithReceipt('SUBSCRIBE', { id: 'a', destination, ack });
        await client.sendWithReceipt('SEND', { destination }, 'm1');
        await client.sendWithReceipt('SEND', { destination }, 'm2');
        const [m1, m2] = await client.waitForCount((f) => f.command === 'MESSAGE', 2);
        expect(m1.headers.ack).toBeTruthy();
        expect(m2.headers.ack).toBeTruthy();
        expect(m1.headers.ack).not.toBe(m2.headers.ack);
        expect((await client.sendWithReceipt('ACK', { id: m1.headers.ack })).command).toBe('RECEIPT');
        expect((await client.sendWithReceipt('NACK', { id: m2.headers.ack })).command).toBe('RECEIPT');
        expect(client.isClosed).toBe(false);
      },
    );

    it('an auto subscription gets no ack header', async () => {
      const client = await connect();
      await client.sendWithReceipt('SUBSCRIBE', { id: 'auto', destination: '/topic/ack-auto' });
      await client.sendWithReceipt('SEND', { destination: '/topic/ack-auto' }, 'x');
      const message = await client.waitFor((f) => f.command === 'MESSAGE');
      expect(message.headers.ack).toBeUndefined();
    });
  });

  describe('framing and delivery', () => {
    it('200 messages from one sender arrive in order at a WebSocket and a SockJS subscriber', async () => {
      const raw = await connect();
      await raw.sendWithReceipt('SUBSCRIBE', { id: 'o', destination: '/topic/order' });
      const sockjs = await connectSockJs(running.baseUrl, 'websocket');
      const inbox = await sockjs.subscribeConfirmed('/topic/order');
      const sender = await connect();
      for (let i = 0; i < 200; i++) sender.sendFrame('SEND', { destination: '/topic/order' }, String(i));
      const expected = Array.from({ length: 200 }, (_, i) => String(i));
      expect((await raw.waitForCount((f) => f.command === 'MESSAGE', 200)).map((f) => f.body)).toEqual(expected);
      expect((await inbox.waitFor(200)).map((m) => m.body)).toEqual(expected);
      await sockjs.disconnect();
    });

    it('a frame split across many tiny WebSocket messages is reassembled', async () => {
      const client = await RawStompClient.open(running.baseUrl);
      clients.push(client);
      const connect = stompFrame('CONNECT', { 'accept-version': '1.2' });
      for (const ch of connect) client.send(ch);
      await client.waitFor((f) => f.command === 'CONNECTED');
      await client.sendWithReceipt('SUBSCRIBE', { id: 's', destination: '/topic/split' });
      const send = stompFrame('SEND', { destination: '/topic/split', 'content-type': 'text/plain', receipt: 'split' }, 'pieces of a frame');
      for (let i = 0; i < send.length; i += 3) client.send(send.slice(i, i + 3));
      await client.waitFor((f) => f.command === 'RECEIPT' && f.headers['receipt-id'] === 'split');
      expect(client.framesOf('MESSAGE').map((f) => f.body)).toEqual(['pieces of a frame']);
    });

    it('several frames (and heart-beat EOLs between them) in one WebSocket message all work', async () => {
      const client = await connect();
      client.send(
        stompFrame('SUBSCRIBE', { id: 'b', destination: '/topic/batch' }) +
          '\n\r\n' +
          stompFrame('SEND', { destination: '/topic/batch' }, 'first') +
          stompFrame('SEND', { destination: '/topic/batch' }, 'second') +
          '\n' +
          stompFrame('SEND', { destination: '/topic/batch', receipt: 'batch' }, 'third'),
      );
      await client.waitFor((f) => f.command === 'RECEIPT' && f.headers['receipt-id'] === 'batch');
      expect(client.framesOf('MESSAGE').map((f) => f.body)).toEqual(['first', 'second', 'third']);
    });

    it('CRLF line ends are accepted', async () => {
      const client = await connect();
      client.send('SUBSCRIBE\r\nid:c\r\ndestination:/topic/crlf\r\nreceipt:c1\r\n\r\n\u0000');
      await client.waitFor((f) => f.headers['receipt-id'] === 'c1');
      client.send('SEND\r\ndestination:/topic/crlf\r\nreceipt:c2\r\n\r\nwindows\u0000');
      await client.waitFor((f) => f.headers['receipt-id'] === 'c2');
      expect(client.framesOf('MESSAGE').map((f) => f.body)).toEqual(['windows']);
    });

    it("MESSAGE carries subscription, message-id, destination, content-type, content-length and the sender's headers", async () => {
      const subscriber = await connect();
      await subscriber.sendWithReceipt('SUBSCRIBE', { id: 'sub-7', destination: '/topic/headers' });
      const sender = await connect();
      sender.send(
        'SEND\ndestination:/topic/headers\ncontent-type:text/plain;charset=utf-8\nx-trace:abc-123\nx-escaped:a\\cb\\nc\\\\d\n' +
          'x-dup:first\nx-dup:second\nreceipt:h1\ncontent-length:11\n\nhello\u0000world\u0000',
      );
      await sender.waitFor((f) => f.headers['receipt-id'] === 'h1');
      const message = await subscriber.waitFor((f) => f.command === 'MESSAGE');
      expect(message.headers.subscription).toBe('sub-7');
      expect(message.headers['message-id']).toBeTruthy();
      expect(message.headers.destination).toBe('/topic/headers');
      expect(message.headers['content-type']).toBe('text/plain;charset=utf-8');
      expect(message.headers['content-length']).toBe('11');
      expect(message.bodyBytes.equals(Buffer.from('hello\u0000world'))).toBe(true);
      expect(message.headers['x-trace']).toBe('abc-123');
      expect(message.headers['x-escaped']).toBe('a:b\nc\\d');
      expect(message.headers['x-dup']).toBe('first');
      // Hop-by-hop headers of the SEND are not copied.
      expect(message.headers.receipt).toBeUndefined();

      await sender.sendWithReceipt('SEND', { destination: '/topic/headers' }, 'again');
      const [first, second] = await subscriber.waitForCount((f) => f.command === 'MESSAGE', 2);
      expect(second.headers['message-id']).not.toBe(first.headers['message-id']);
    });

    it('a broadcast has one message-id for its ack:auto deliveries, and an own one with the ack header where the client acks', async () => {
      const a = await connect();
      await a.sendWithReceipt('SUBSCRIBE', { id: 'auto', destination: '/topic/ids' });
      await a.sendWithReceipt('SUBSCRIBE', { id: 'acked', destination: '/topic/ids', ack: 'client-individual' });
      const b = await connect();
      await b.sendWithReceipt('SUBSCRIBE', { id: 'auto', destination: '/topic/ids' });
      const sender = await connect();
      await sender.sendWithReceipt('SEND', { destination: '/topic/ids' }, 'one');
      await sender.sendWithReceipt('SEND', { destination: '/topic/ids' }, 'two');
      const ofA = await a.waitForCount((f) => f.command === 'MESSAGE', 4);
      const ofB = await b.waitForCount((f) => f.command === 'MESSAGE', 2);
      const autoOfA = ofA.filter((f) => f.headers.subscription === 'auto');
      expect(autoOfA.map((f) => f.body)).toEqual(['one', 'two']);
      expect(autoOfA.map((f) => f.headers['message-id'])).toEqual(ofB.map((f) => f.headers['message-id']));
      expect(new Set(ofA.map((f) => f.headers['message-id'])).size).toBe(4);
      expect([...autoOfA, ...ofB].every((f) => f.headers.ack === undefined)).toBe(true);
      for (const acked of ofA.filter((f) => f.headers.subscription === 'acked')) {
        expect(acked.headers.ack).toBe(acked.headers['message-id']);
        await a.sendWithReceipt('ACK', { id: acked.headers.ack! });
      }
    });

    it('/topic/** (separator /) receives every destination below /topic/, /topic/* only one level', async () => {
      const deep = await connect();
      await deep.sendWithReceipt('SUBSCRIBE', { id: 'deep', destination: '/topic/**' });
      const shallow = await connect();
      await shallow.sendWithReceipt('SUBSCRIBE', { id: 'shallow', destination: '/topic/*' });
      const sender = await connect();
      await sender.sendWithReceipt('SEND', { destination: '/topic/a/b/c' }, 'deep one');
      await sender.sendWithReceipt('SEND', { destination: '/topic/a' }, 'shallow one');
      await deep.waitForCount((f) => f.command === 'MESSAGE', 2);
      await shallow.waitFor((f) => f.command === 'MESSAGE');
      expect(deep.framesOf('MESSAGE').map((f) => [f.headers.destination, f.body])).toEqual([
        ['/topic/a/b/c', 'deep one'],
        ['/topic/a', 'shallow one'],
      ]);
      expect(shallow.framesOf('MESSAGE').map((f) => f.body)).toEqual(['shallow one']);
      expect(deep.framesOf('MESSAGE')[0].headers.subscription).toBe('deep');
    });
  });
});

describe('pattern subscriptions with pathSeparator "."', () => {
  let running: RunningApp;
  beforeAll(async () => (running = await startApp({ ...TEST_OPTIONS, pathSeparator: '.' })));
  afterAll(async () => running.close());

  it('/topic/price.* receives /topic/price.<symbol> and not deeper or other destinations', async () => {
    const subscriber = await RawStompClient.connect(running.baseUrl);
    await subscriber.sendWithReceipt('SUBSCRIBE', { id: 'p', destination: '/topic/price.*' });
    const sender = await RawStompClient.connect(running.baseUrl);
    await sender.sendWithReceipt('SEND', { destination: '/topic/price.btc.usd' }, 'too deep');
    await sender.sendWithReceipt('SEND', { destination: '/topic/volume.btc' }, 'other');
    await sender.sendWithReceipt('SEND', { destination: '/topic/price.btc' }, '42000');
    await sender.sendWithReceipt('SEND', { destination: '/topic/price.eth' }, '3000');
    await subscriber.waitForCount((f) => f.command === 'MESSAGE', 2);
    expect(subscriber.framesOf('MESSAGE').map((f) => [f.headers.destination, f.body, f.headers.subscription])).toEqual([
      ['/topic/price.btc', '42000', 'p'],
      ['/topic/price.eth', '3000', 'p'],
    ]);
    await subscriber.close();
    await sender.close();
  });
});
