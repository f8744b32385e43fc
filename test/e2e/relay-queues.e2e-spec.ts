import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { randomUUID } from 'node:crypto';
import type { IMessage } from '@stomp/stompjs';
import type { StompModuleOptions } from '../../lib/index.js';
import { TEST_OPTIONS, type RunningApp } from '../fixtures/stomp-app.fixture.js';
import { RelayNodes } from '../fixtures/relay-nodes.fixture.js';
import type { MessageInbox, TestClient } from '../fixtures/stomp-clients.fixture.js';
import { deleteRabbitQueues, RABBIT_STOMP_PORT, rabbitQueues } from '../fixtures/rabbitmq.fixture.js';

const pause = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

const OPTIONS: StompModuleOptions = {
  ...TEST_OPTIONS,
  queues: ['/queue/**'],
  // Short, so the test sees RabbitMQ delete the queues once nobody uses them.
  relay: { port: RABBIT_STOMP_PORT, reconnectDelay: 200, queueExpiresMs: 1_500 },
};

/** `queues` through the relay are RabbitMQ queues: two in-process nodes, real @stomp/stompjs clients, the machine's RabbitMQ. */
describe('broker relay: queues are RabbitMQ queues shared by every node', () => {
  const nodes = new RelayNodes(OPTIONS);
  const run = randomUUID().slice(0, 8);
  let n = 0;
  const queue = (): string => `/queue/relayq-${run}-${++n}`;

  beforeAll(() => nodes.start());
  afterAll(async () => {
    await nodes.stop();
    await deleteRabbitQueues(`queue.relayq-${run}`);
  });
  const on = (node: RunningApp, sockJs = false): Promise<TestClient> => nodes.on(node, sockJs);
  const produce = async (destination: string, bodies: string[]): Promise<void> => {
    const producer = await on(nodes.b);
    for (const body of bodies) await producer.sendConfirmed(destination, body);
  };
  const bodies = (inbox: MessageInbox): string[] => inbox.messages.map((m) => m.body);

  it('gives each message to one consumer, on whichever node, and each consumer some', async () => {
    const destination = queue();
    const [onA, onB] = [await on(nodes.a), await on(nodes.b, true)];
    const inboxes = await Promise.all([onA, onB].map((c) => c.subscribeConfirmed(destination)));
    const sent = Array.from({ length: 20 }, (_, i) => `m${i}`);
    await produce(destination, sent);
    const deadline = Date.now() + 10_000;
    while (inboxes[0].messages.length + inboxes[1].messages.length < 20 && Date.now() < deadline) await pause(20);
    await pause(200);
    const all = [...bodies(inboxes[0]), ...bodies(inboxes[1])];
    expect(all.sort()).toEqual([...sent].sort());
    expect(inboxes[0].messages.length).toBeGreaterThan(0);
    expect(inboxes[1].messages.length).toBeGreaterThan(0);
    expect(inboxes[0].messages[0].headers).toMatchObject({ destination, redelivered: 'false' });
    expect(inboxes[0].messages[0].headers['x-nestjs-stomp-destination']).toBeUndefined();
    expect(inboxes[0].messages[0].headers.persistent).toBeUndefined();
  });

  it('keeps messages sent while nobody consumes, for the first consumer on any node', async () => {
    const destination = queue();
    await produce(destination, ['early-1', 'early-2']);
    const inbox = await (await on(nodes.a)).subscribeConfirmed(destination);
    expect((await inbox.waitFor(2)).map((m) => m.body)).toEqual(['early-1', 'early-2']);
  });

  it('redelivers a message NACKed on one node to a consumer on another, redelivered:true', async () => {
    const destination = queue();
    const [onA, onB] = [await on(nodes.a), await on(nodes.b)];
    const headers = { ack: 'client-individual', 'prefetch-count': '1' };
    const inboxA = await onA.subscribeConfirmed(destination, headers);
    await produce(destination, ['job']);
    const [first] = await inboxA.waitFor(1);
    const inboxB = await onB.subscribeConfirmed(destination, headers);
    // RabbitMQ picks among consumers with credit: A may get it back; NACKed each time, it reaches B within a few turns.
    let last: IMessage = first;
    for (let turn = 0; turn < 20 && inboxB.messages.length === 0; turn++) {
      const seen = inboxA.messages.length;
      last.nack();
      const deadline = Date.now() + 5_000;
      while (inboxA.messages.length === seen && inboxB.messages.length === 0 && Date.now() < deadline) await pause(10);
      last = inboxA.messages[inboxA.messages.length - 1];
    }
    const [again] = await inboxB.waitFor(1);
    expect(again.body).toBe('job');
    expect(again.headers.redelivered).toBe('true');
    again.ack();
  });

  it('forwards prefetch-count: no more unacknowledged messages than it allows, the next one after an ACK', async () => {
    const destination = queue();
    const inbox = await (await on(nodes.a)).subscribeConfirmed(destination, { ack: 'client-individual', 'prefetch-count': '2' });
    await produce(destination, ['p1', 'p2', 'p3', 'p4']);
    await inbox.waitFor(2);
    await pause(300);
    expect(bodies(inbox)).toEqual(['p1', 'p2']);
    inbox.messages[0].ack();
    expect((await inbox.waitFor(3)).map((m) => m.body)).toEqual(['p1', 'p2', 'p3']);
    await pause(300);
    expect(inbox.messages).toHaveLength(3);
  });

  it('settles cumulatively for ack:client, and hands back what a closed session held, to another node', async () => {
    const destination = queue();
    const onA = await on(nodes.a);
    const inboxA = await onA.subscribeConfirmed(destination, { ack: 'client', 'prefetch-count': '10' });
    await produce(destination, ['c1', 'c2', 'c3', 'c4']);
    const received = await inboxA.waitFor(4);
    const inboxB = await (await on(nodes.b)).subscribeConfirmed(destination, { ack: 'client-individual' });
    // One ACK of the third settles the first three; the fourth is still held when the session ends.
    received[2].ack();
    await onA.sendConfirmed('/topic/relayq-barrier', 'x');
    await onA.disconnect();
    const [redelivered] = await inboxB.waitFor(1);
    expect(redelivered.body).toBe('c4');
    expect(redelivered.headers.redelivered).toBe('true');
    await pause(300);
    expect(inboxB.messages).toHaveLength(1);
    redelivered.ack();
  });

  it('refuses a pattern subscription to queues', async () => {
    const client = await on(nodes.a);
    client.client.subscribe(`/queue/relayq-${run}-*`, () => undefined);
    await client.closed;
    expect(client.errors[0].headers.message).toMatch(/is a queue: subscribe to one queue by its exact name/);
  });

  it('leaves no queue behind once unused for queueExpiresMs after the clients and nodes have gone', async () => {
    const destination = queue();
    await produce(destination, ['left']);
    const mine = async (): Promise<string[]> =>
      (await rabbitQueues()).map(([name]) => name).filter((q) => q.startsWith(`queue.relayq-${run}`));
    expect(await mine()).toContain(destination.slice(1).replace('/', '.'));
    await nodes.stop();
    const deadline = Date.now() + 15_000;
    while ((await mine()).length > 0 && Date.now() < deadline) await pause(250);
    expect(await mine()).toEqual([]);
    await nodes.start();
  });
});
