import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { randomUUID } from 'node:crypto';
import type { IMessage } from '@stomp/stompjs';
import { SimpMessagingTemplate, StompBrokerRegistry, type StompQueueView } from '../../lib/index.js';
import { startApp, TEST_OPTIONS, type RunningApp } from '../fixtures/stomp-app.fixture.js';
import { RawStompClient, type RawFrame } from '../fixtures/raw-stomp.fixture.js';
import { connectSockJs, connectWebSocket, type TestClient } from '../fixtures/stomp-clients.fixture.js';

const isMessage = (f: RawFrame): boolean => f.command === 'MESSAGE';
const pause = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** Point-to-point queues with real clients: raw WebSocket frames and @stomp/stompjs over WebSocket and SockJS. */
describe('point-to-point queues', () => {
  let running: RunningApp;
  let registry: StompBrokerRegistry;
  const open: Array<RawStompClient | TestClient> = [];

  beforeAll(async () => {
    running = await startApp({
      ...TEST_OPTIONS,
      queues: ['/queue/**'],
      queueDeliveryLimit: 3,
      queueDeadLetterDestination: '/queue/dead-letters',
      authenticate: ({ headers }) => ({ name: headers.login ?? randomUUID() }),
    });
    registry = running.app.get(StompBrokerRegistry);
  });
  afterAll(async () => {
    for (const client of open) await (client instanceof RawStompClient ? client.close() : client.disconnect());
    await running.close();
  });

  const raw = async (): Promise<RawStompClient> => {
    const client = await RawStompClient.connect(running.baseUrl);
    open.push(client);
    return client;
  };
  const queue = (): string => `/queue/${randomUUID()}`;
  const view = (destination: string): StompQueueView | undefined => registry.queues().find((q) => q.destination === destination);

  async function produce(destination: string, bodies: string[]): Promise<void> {
    const producer = await raw();
    for (const body of bodies) await producer.sendWithReceipt('SEND', { destination }, body);
  }

  it('gives each message to one consumer, round-robin, over WebSocket and SockJS alike', async () => {
    const destination = queue();
    const consumers = [
      await connectWebSocket(running.baseUrl),
      await connectSockJs(running.baseUrl, 'websocket'),
      await connectSockJs(running.baseUrl, 'xhr-streaming'),
    ];
    open.push(...consumers);
    const inboxes = await Promise.all(consumers.map((c) => c.subscribeConfirmed(destination)));
    const bodies = Array.from({ length: 9 }, (_, i) => `m${i}`);
    await produce(destination, bodies);
    const received = await Promise.all(inboxes.map((inbox) => inbox.waitFor(3)));
    await pause(100);
    // Three each, nobody got a second copy, and together they got everything.
    expect(inboxes.map((inbox) => inbox.messages.length)).toEqual([3, 3, 3]);
    expect(
      received
        .flat()
        .map((m) => m.body)
        .sort(),
    ).toEqual([...bodies].sort());
    expect(received.flat().every((m) => m.headers.redelivered === 'false')).toBe(true);
  });

  it('redelivers a NACKed message to another consumer with redelivered:true', async () => {
    const destination = queue();
    const first = await connectWebSocket(running.baseUrl);
    const second = await connectSockJs(running.baseUrl, 'xhr-streaming');
    open.push(first, second);
    const refused: IMessage[] = [];
    const firstInbox = await first.subscribeConfirmed(destination, { ack: 'client-individual' });
    await produce(destination, ['job']);
    const [job] = await firstInbox.waitFor(1);
    const secondInbox = await second.subscribeConfirmed(destination, { ack: 'client-individual' });
    refused.push(job);
    job.nack();
    const [again] = await secondInbox.waitFor(1);
    expect(again.body).toBe('job');
    expect(again.headers.redelivered).toBe('true');
    again.ack();
    await pause(100);
    expect(firstInbox.messages).toHaveLength(1);
    expect(view(destination)).toMatchObject({ unacked: 0, depth: 0, redeliveries: 1 });
  });

  it('sends a message NACKed queueDeliveryLimit times to queueDeadLetterDestination, and the queue goes on', async () => {
    const destination = queue();
    const [worker, auditor] = [await connectWebSocket(running.baseUrl), await connectSockJs(running.baseUrl, 'xhr-streaming')];
    open.push(worker, auditor);
    const deadLetters = await auditor.subscribeConfirmed('/queue/dead-letters', { ack: 'client-individual' });
    const jobs = await worker.subscribeConfirmed(destination, { ack: 'client-individual' });
    await produce(destination, ['poison', 'fine']);
    // The worker fails on 'poison' every time and takes 'fine': poison, fine, poison, poison, then it is gone.
    const settled = new Set<IMessage>();
    for (let n = 2; n <= 4; n++) {
      for (const m of await jobs.waitFor(n)) {
        if (settled.has(m)) continue;
        settled.add(m);
        if (m.body === 'poison') m.nack();
        else m.ack();
      }
    }
    const [dead] = await deadLetters.waitFor(1);
    dead.ack();
    expect(dead.body).toBe('poison');
    expect(dead.headers).toMatchObject({
      'x-first-death-queue': destination,
      'x-first-death-reason': 'delivery_limit',
      'x-delivery-count': '3',
    });
    expect(jobs.messages.filter((m) => m.body === 'poison')).toHaveLength(3);
    expect(jobs.messages.filter((m) => m.body === 'fine')).toHaveLength(1);
    await pause(100);
    expect(view(destination)).toMatchObject({ deadLettered: 1, depth: 0 });
  });

  it('redelivers what a session had not acknowledged when it ends, and keeps the acknowledged', async () => {
    const destination = queue();
    const leaving = await raw();
    await leaving.sendWithReceipt('SUBSCRIBE', { id: 's', destination, ack: 'client-individual' });
    await produce(destination, ['a', 'b', 'c']);
    const delivered = await leaving.waitForCount(isMessage, 3);
    leaving.sendFrame('ACK', { id: delivered[1].headers.ack });
    await leaving.sendWithReceipt('SUBSCRIBE', { id: 'sync', destination: '/topic/sync' });
    expect(view(destination)).toMatchObject({ unacked: 2 });
    // The socket goes without DISCONNECT, as a crashed tab's does.
    leaving.ws.terminate();
    await leaving.closed;
    await pause(50);
    expect(view(destination)).toMatchObject({ depth: 2, unacked: 0, consumers: 0 });
    const staying = await raw();
    await staying.sendWithReceipt('SUBSCRIBE', { id: 's', destination, ack: 'client' });
    const redelivered = await staying.waitForCount(isMessage, 2);
    expect(redelivered.map((f) => [f.body, f.headers.redelivered])).toEqual([
      ['a', 'true'],
      ['c', 'true'],
    ]);
  });

  it('at full publish rate, with a consumer killed mid-stream: every message acknowledged once in all, repeats only as redelivered:true', async () => {
    const destination = queue();
    const total = 2_000;
    const consumers = [await raw(), await raw(), await raw()];
    const acked = new Map<string, number>();
    // Every delivery of each body, as its redelivered header, in arrival order.
    const deliveries = new Map<string, string[]>();
    for (const [i, consumer] of consumers.entries()) {
      consumer.onFrame((f) => {
        if (f.command !== 'MESSAGE') return;
        deliveries.set(f.body, [...(deliveries.get(f.body) ?? []), f.headers.redelivered]);
        // The third consumer stops acknowledging after 300 messages and its socket dies 10 messages later, mid-stream.
        const seen = consumer.framesOf('MESSAGE').length;
        if (i === 2 && seen === 310) consumer.ws.terminate();
        if (i === 2 && seen > 300) return;
        consumer.sendFrame('ACK', { id: f.headers.ack });
        acked.set(f.body, (acked.get(f.body) ?? 0) + 1);
      });
      await consumer.sendWithReceipt('SUBSCRIBE', { id: 's', destination, ack: 'client-individual', 'prefetch-count': '20' });
    }
    const producer = await raw();
    for (let n = 0; n < total; n++) {
      producer.sendFrame('SEND', { destination }, `m${n}`);
    }
    await producer.sendWithReceipt('SEND', { destination }, 'last');
    for (const deadline = Date.now() + 10_000; acked.size < total + 1 && Date.now() < deadline;) await pause(20);
    expect({ acked: acked.size, queue: view(destination) }).toMatchObject({ acked: total + 1 });
    expect([...acked.values()].every((count) => count === 1)).toBe(true);
    // A repeat is always marked; some first deliveries died unread with the killed socket, so their body arrives only as redelivered.
    const repeatsUnmarked = [...deliveries.entries()].filter(([, flags]) => flags.slice(1).some((f) => f !== 'true'));
    expect(repeatsUnmarked).toEqual([]);
    expect([...deliveries.values()].flat().filter((f) => f === 'true').length).toBeGreaterThan(0);
    await pause(50);
    expect(view(destination)).toMatchObject({ depth: 0, unacked: 0, bytes: 0, consumers: 2 });
    // The ten it read and did not acknowledge, at least, were handed back.
    expect(view(destination)!.redeliveries).toBeGreaterThanOrEqual(10);
  });

  it('honours prefetch-count: no more unacknowledged messages than asked for', async () => {
    const destination = queue();
    const consumer = await raw();
    await consumer.sendWithReceipt('SUBSCRIBE', { id: 's', destination, ack: 'client-individual', 'prefetch-count': '2' });
    await produce(destination, ['m0', 'm1', 'm2', 'm3', 'm4']);
    await pause(150);
    expect(consumer.framesOf('MESSAGE').map((f) => f.body)).toEqual(['m0', 'm1']);
    expect(view(destination)).toMatchObject({ depth: 3, unacked: 2 });
    consumer.sendFrame('ACK', { id: consumer.framesOf('MESSAGE')[0].headers.ack });
    await consumer.waitForCount(isMessage, 3);
    await pause(100);
    expect(consumer.framesOf('MESSAGE').map((f) => f.body)).toEqual(['m0', 'm1', 'm2']);
  });

  it('keeps messages sent while nobody subscribes and delivers them, in order, on the first SUBSCRIBE', async () => {
    const destination = queue();
    await produce(destination, ['w0', 'w1', 'w2']);
    expect(view(destination)).toMatchObject({ depth: 3, consumers: 0 });
    const client = await connectWebSocket(running.baseUrl);
    open.push(client);
    const inbox = client.subscribe(destination);
    expect((await inbox.waitFor(3)).map((m) => m.body)).toEqual(['w0', 'w1', 'w2']);
    const late = await connectWebSocket(running.baseUrl);
    open.push(late);
    const lateInbox = await late.subscribeConfirmed(destination);
    await pause(100);
    expect(lateInbox.messages).toHaveLength(0);
  });

  it('acks cumulatively in client mode, and understands STOMP 1.1 message-id acks', async () => {
    const destination = queue();
    const consumer = await RawStompClient.connect(running.baseUrl, { 'accept-version': '1.1', host: 'localhost' });
    open.push(consumer);
    await consumer.sendWithReceipt('SUBSCRIBE', { id: 's', destination, ack: 'client' });
    await produce(destination, ['m0', 'm1', 'm2']);
    const delivered = await consumer.waitForCount(isMessage, 3);
    await consumer.sendWithReceipt('ACK', { subscription: 's', 'message-id': delivered[1].headers['message-id'] });
    expect(view(destination)).toMatchObject({ unacked: 1 });
    await consumer.sendWithReceipt('ACK', { subscription: 's', 'message-id': delivered[2].headers['message-id'] });
    expect(view(destination)).toMatchObject({ unacked: 0 });
  });

  it('applies an ACK inside a transaction at COMMIT, and drops it on ABORT', async () => {
    const destination = queue();
    const consumer = await raw();
    await consumer.sendWithReceipt('SUBSCRIBE', { id: 's', destination, ack: 'client-individual' });
    await produce(destination, ['m0']);
    const [message] = await consumer.waitForCount(isMessage, 1);
    await consumer.sendWithReceipt('BEGIN', { transaction: 't1' });
    await consumer.sendWithReceipt('ACK', { id: message.headers.ack, transaction: 't1' });
    expect(view(destination)).toMatchObject({ unacked: 1 });
    await consumer.sendWithReceipt('ABORT', { transaction: 't1' });
    expect(view(destination)).toMatchObject({ unacked: 1 });
    await consumer.sendWithReceipt('BEGIN', { transaction: 't2' });
    await consumer.sendWithReceipt('ACK', { id: message.headers.ack, transaction: 't2' });
    expect(view(destination)).toMatchObject({ unacked: 1 });
    await consumer.sendWithReceipt('COMMIT', { transaction: 't2' });
    expect(view(destination)).toMatchObject({ unacked: 0, bytes: 0, redeliveries: 0 });
  });

  it('applies a NACK inside a transaction at COMMIT: the message is redelivered then', async () => {
    const destination = queue();
    const consumer = await raw();
    await consumer.sendWithReceipt('SUBSCRIBE', { id: 's', destination, ack: 'client-individual' });
    await produce(destination, ['m0']);
    const [message] = await consumer.waitForCount(isMessage, 1);
    await consumer.sendWithReceipt('BEGIN', { transaction: 't' });
    await consumer.sendWithReceipt('NACK', { id: message.headers.ack, transaction: 't' });
    expect(consumer.framesOf('MESSAGE')).toHaveLength(1);
    await consumer.sendWithReceipt('COMMIT', { transaction: 't' });
    const [, again] = await consumer.waitForCount(isMessage, 2);
    expect([again.body, again.headers.redelivered]).toEqual(['m0', 'true']);
  });

  it('leaves user destinations as they were: every session of the user gets the message', async () => {
    const name = `u-${randomUUID()}`;
    const sessions = [
      await connectWebSocket(running.baseUrl, '/stomp', { connectHeaders: { login: name } }),
      await connectSockJs(running.baseUrl, 'xhr-streaming', '/stomp', { connectHeaders: { login: name } }),
    ];
    open.push(...sessions);
    const inboxes = await Promise.all(sessions.map((s) => s.subscribeConfirmed('/user/queue/notes')));
    running.app.get(SimpMessagingTemplate).convertAndSendToUser(name, '/queue/notes', 'to both');
    const received = await Promise.all(inboxes.map((inbox) => inbox.waitFor(1)));
    expect(received.map(([m]) => m.body)).toEqual(['to both', 'to both']);
    expect(registry.queues().some((q) => q.destination.includes('notes'))).toBe(false);
  });

  it('refuses a pattern SUBSCRIBE over queue destinations (QUEUE_PATTERN), while topics still broadcast', async () => {
    const client = await raw();
    client.sendFrame('SUBSCRIBE', { id: 'p', destination: '/queue/*' });
    const error = await client.waitFor((f) => f.command === 'ERROR');
    expect(error.headers.code).toBe('QUEUE_PATTERN');
    const topic = `/topic/${randomUUID()}`;
    const [a, b] = [await raw(), await raw()];
    for (const c of [a, b]) await c.sendWithReceipt('SUBSCRIBE', { id: 't', destination: topic });
    await a.sendWithReceipt('SEND', { destination: topic }, 'all');
    await Promise.all([a, b].map((c) => c.waitFor(isMessage)));
  });
});

describe('point-to-point queues when full', () => {
  let running: RunningApp;
  beforeAll(async () => {
    running = await startApp({ ...TEST_OPTIONS, queues: ['/queue/**'], queueMessagesLimit: 3 });
  });
  afterAll(async () => running.close());

  it('refuses the SEND past queueMessagesLimit with QUEUE_FULL, without a RECEIPT, and keeps the queued messages', async () => {
    const destination = `/queue/${randomUUID()}`;
    const producer = await RawStompClient.connect(running.baseUrl);
    for (const body of ['m0', 'm1', 'm2']) await producer.sendWithReceipt('SEND', { destination }, body);
    producer.sendFrame('SEND', { destination, receipt: 'full' }, 'm3');
    const error = await producer.waitFor((f) => f.command === 'ERROR');
    expect(error.headers.code).toBe('QUEUE_FULL');
    expect(error.headers.message).toMatch(/is full/);
    expect(producer.framesOf('RECEIPT').map((f) => f.headers['receipt-id'])).not.toContain('full');
    await producer.closed;
    expect(running.app.get(StompBrokerRegistry).queues()).toEqual([expect.objectContaining({ destination, depth: 3, refused: 1 })]);
    const consumer = await RawStompClient.connect(running.baseUrl);
    await consumer.sendWithReceipt('SUBSCRIBE', { id: 's', destination });
    expect((await consumer.waitForCount(isMessage, 3)).map((f) => f.body)).toEqual(['m0', 'm1', 'm2']);
    await consumer.close();
  });

  it('rejects convertAndSend to a full queue with QUEUE_FULL', async () => {
    const destination = `/queue/${randomUUID()}`;
    const template = running.app.get(SimpMessagingTemplate);
    for (const body of ['m0', 'm1', 'm2']) await template.convertAndSend(destination, body);
    await expect(template.convertAndSend(destination, 'm3')).rejects.toMatchObject({ code: 'QUEUE_FULL' });
  });

  it('tells a producer that listens on its error destination, and it stays connected', async () => {
    const destination = `/queue/${randomUUID()}`;
    const producer = await connectWebSocket(running.baseUrl);
    const errors = await producer.subscribeConfirmed('/user/queue/errors');
    for (const body of ['m0', 'm1', 'm2']) await producer.sendConfirmed(destination, body);
    producer.client.publish({ destination, body: 'm3' });
    const [report] = await errors.waitFor(1);
    expect(JSON.parse(report.body)).toMatchObject({ destination, message: expect.stringMatching(/is full/) });
    // Still connected: a SEND elsewhere is confirmed.
    await producer.sendConfirmed('/topic/alive', 'yes');
    await producer.disconnect();
  });
});
