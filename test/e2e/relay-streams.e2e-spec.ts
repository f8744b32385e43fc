import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { randomUUID } from 'node:crypto';
import type { IMessage } from '@stomp/stompjs';
import { SimpMessagingTemplate, type StompModuleOptions } from '../../lib/index.js';
import { TEST_OPTIONS, type RunningApp } from '../fixtures/stomp-app.fixture.js';
import { RelayNodes } from '../fixtures/relay-nodes.fixture.js';
import type { TestClient } from '../fixtures/stomp-clients.fixture.js';
import { deleteRabbitQueues, RABBIT_STOMP_PORT, rabbitQueues } from '../fixtures/rabbitmq.fixture.js';

const pause = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));
const seqOf = (m: IMessage): number => (JSON.parse(m.body) as { seq: number }).seq;

const OPTIONS: StompModuleOptions = {
  ...TEST_OPTIONS,
  history: [{ destination: '/topic/hist/**', size: 1000 }],
  relay: { port: RABBIT_STOMP_PORT, reconnectDelay: 200 },
};

/** `history` through the relay is a RabbitMQ stream: two in-process nodes, real @stomp/stompjs clients, the machine's RabbitMQ. */
describe('broker relay: history destinations are RabbitMQ streams, resumable on any node', () => {
  const nodes = new RelayNodes(OPTIONS);
  const run = randomUUID().slice(0, 8);
  let n = 0;
  const destination = (): string => `/topic/hist/${run}/d${++n}`;

  beforeAll(() => nodes.start());
  afterAll(async () => {
    await nodes.stop();
    await deleteRabbitQueues(`nestjs-stomp.stream.topic.hist.${run}`);
  });
  const on = (node: RunningApp, sockJs = false): Promise<TestClient> => nodes.on(node, sockJs);
  const publish = (node: RunningApp, to: string, seq: number): Promise<unknown> =>
    node.app.get(SimpMessagingTemplate).convertAndSend(to, { seq });

  it('keeps what is published before anyone subscribes, and replays it from first on another node', async () => {
    const to = destination();
    for (let seq = 0; seq < 3; seq++) await publish(nodes.a, to, seq);
    const inbox = await (await on(nodes.b)).subscribeConfirmed(to, { 'x-stream-offset': 'first' });
    const replayed = await inbox.waitFor(3);
    expect(replayed.map(seqOf)).toEqual([0, 1, 2]);
    expect(replayed.map((m) => m.headers['x-stream-offset'])).toEqual(['0', '1', '2']);
    expect(replayed[0].headers.destination).toBe(to);
    expect(replayed[0].headers['x-stream-epoch']).toMatch(/^rmq-/);
  });

  it('survives both nodes making the same new stream at once: no ERROR to anyone, every SEND confirmed and kept', async () => {
    // RabbitMQ refuses a stream SUBSCRIBE while another connection is still creating that stream, and closes the
    // connection: on a shared connection that failed unrelated clients' SENDs and subscriptions too.
    const clients = [await on(nodes.a), await on(nodes.b), await on(nodes.a, true), await on(nodes.b, true)];
    const errors: string[] = [];
    for (const client of clients) client.client.onStompError = (frame) => void errors.push(frame.headers.message);
    const bystander = await clients[0].subscribeConfirmed(`/topic/plain/${run}`);
    for (let round = 0; round < 5; round++) {
      const to = `/topic/hist/${run}/race${round}`;
      await Promise.all(clients.map((client) => client.subscribeConfirmed(to)));
      await Promise.all([
        ...clients.map((client, i) => client.sendConfirmed(to, JSON.stringify({ seq: i }))),
        clients[1].sendConfirmed(`/topic/plain/${run}`, JSON.stringify({ seq: round })),
      ]);
      // Every confirmed SEND is in the stream: a reader from `first` on either node gets all four.
      for (const node of [nodes.a, nodes.b]) {
        const replay = await (await on(node)).subscribeConfirmed(to, { 'x-stream-offset': 'first' });
        expect((await replay.waitFor(clients.length)).map(seqOf).sort()).toEqual([0, 1, 2, 3]);
      }
    }
    expect((await bystander.waitFor(5)).map(seqOf)).toEqual([0, 1, 2, 3, 4]);
    expect(errors).toEqual([]);
    for (const client of clients) await client.disconnect();
  });

  it('resumes on node B where a client left node A: no gap, no duplicate, while publishing goes on', async () => {
    const to = destination();
    const total = 300;
    let publishing = true;
    const publisher = (async () => {
      for (let seq = 0; seq < total; seq++) {
        await publish(seq % 2 === 0 ? nodes.a : nodes.b, to, seq);
        if (seq % 2 === 0) await pause(5);
      }
      publishing = false;
    })();
    await pause(50);
    const onA = await on(nodes.a);
    const inboxA = await onA.subscribeConfirmed(to, { 'x-stream-offset': 'first' });
    await inboxA.waitFor(60);
    await onA.disconnect();
    const seenA = [...inboxA.messages];
    const last = seenA[seenA.length - 1];
    expect(publishing).toBe(true);
    const onB = await on(nodes.b);
    const resume = {
      'x-stream-offset': String(Number(last.headers['x-stream-offset']) + 1),
      'x-stream-epoch': last.headers['x-stream-epoch'],
    };
    const inboxB = await onB.subscribeConfirmed(to, resume);
    await publisher;
    await inboxB.waitFor(total - seenA.length);
    await pause(200);
    const all = [...seenA, ...inboxB.messages];
    // Both nodes publish, so the stream's order is RabbitMQ's: offsets are consecutive, every message there once.
    expect(all.map(seqOf).sort((x, y) => x - y)).toEqual(Array.from({ length: total }, (_, i) => i));
    expect(all.map((m) => Number(m.headers['x-stream-offset']))).toEqual(Array.from({ length: total }, (_, i) => i));
    expect(all.some((m) => m.headers['x-stream-gap'] !== undefined)).toBe(false);
    expect(new Set(all.map((m) => m.headers['x-stream-epoch'])).size).toBe(1);
  });

  it('tells a stale epoch as x-stream-gap:unknown and starts at the first message the stream has', async () => {
    const to = destination();
    for (let seq = 0; seq < 3; seq++) await publish(nodes.b, to, seq);
    const inbox = await (await on(nodes.a)).subscribeConfirmed(to, { 'x-stream-offset': '2', 'x-stream-epoch': 'another-epoch' });
    const [first] = await inbox.waitFor(1);
    expect(seqOf(first)).toBe(0);
    expect(first.headers['x-stream-gap']).toBe('unknown');
    await inbox.waitFor(3);
    expect(inbox.messages[1].headers['x-stream-gap']).toBeUndefined();
  });

  it('delivers live only without x-stream-offset, and pattern subscriptions still see history destinations', async () => {
    const to = destination();
    await publish(nodes.a, to, 0);
    const client = await on(nodes.b);
    const live = await client.subscribeConfirmed(to);
    const pattern = await client.subscribeConfirmed(`/topic/hist/${run}/*`);
    await publish(nodes.a, to, 1);
    expect((await live.waitFor(1)).map(seqOf)).toEqual([1]);
    expect((await pattern.waitFor(1)).map(seqOf)).toEqual([1]);
    await pause(200);
    expect(live.messages).toHaveLength(1);
  });

  it('leaves the streams (which resume needs) and nothing else on RabbitMQ once the nodes stop', async () => {
    const to = destination();
    await publish(nodes.a, to, 0);
    await (await on(nodes.b)).subscribeConfirmed(to);
    await nodes.stop();
    await pause(300);
    const mine = (await rabbitQueues(['name', 'type'])).filter(([name]) => name.includes(run));
    expect(mine.length).toBeGreaterThan(0);
    expect(mine.every(([name, type]) => name.startsWith(`nestjs-stomp.stream.topic.hist.${run}.`) && type === 'stream')).toBe(true);
    await nodes.start();
  });
});
