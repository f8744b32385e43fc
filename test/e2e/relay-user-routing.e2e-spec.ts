import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { createServer, connect, type Server, type Socket } from 'node:net';
import { promisify } from 'node:util';
import { SimpMessagingTemplate, StompEvents, type StompBrokerEvent, type StompModuleOptions } from '../../lib/index.js';
import { userRouteDestination } from '../../lib/engine/broker/relay/relay.user-routes.js';
import { startApp, TEST_OPTIONS, type RunningApp } from '../fixtures/stomp-app.fixture.js';
import { connectWebSocket, type TestClient } from '../fixtures/stomp-clients.fixture.js';
import { RABBIT_STOMP_PORT, requireRabbitMqStomp } from '../fixtures/rabbitmq.fixture.js';

const run = promisify(execFile);

/** Between node A's relay and RabbitMQ: records every byte the broker sends A, and can cut the connection. */
class RecordingProxy {
  readonly server: Server;
  received = '';
  private readonly sockets = new Set<Socket>();

  constructor() {
    this.server = createServer((client) => {
      const broker = connect(RABBIT_STOMP_PORT, '127.0.0.1');
      this.sockets.add(client).add(broker);
      broker.on('data', (chunk: Buffer) => {
        this.received += chunk.toString('utf8');
      });
      client.pipe(broker).pipe(client);
      const end = (): void => {
        client.destroy();
        broker.destroy();
      };
      client.on('close', end).on('error', end);
      broker.on('close', end).on('error', end);
    });
  }

  async listen(): Promise<number> {
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    return (this.server.address() as { port: number }).port;
  }

  cut(): void {
    for (const socket of this.sockets) socket.destroy();
    this.sockets.clear();
  }

  close(): Promise<void> {
    this.cut();
    return new Promise((resolve) => this.server.close(() => resolve()));
  }
}

/** Routing keys RabbitMQ has bound on amq.direct for one user, one per node that routes the user's messages. */
async function bindingsFor(user: string): Promise<number> {
  const key = userRouteDestination(user).slice('/exchange/amq.direct/'.length);
  const { stdout } = await run('rabbitmqctl', ['list_bindings', '-q', 'source_name', 'routing_key']);
  return stdout.split('\n').filter((line) => line === `amq.direct\t${key}`).length;
}

async function waitForBindings(user: string, count: number): Promise<void> {
  const deadline = Date.now() + 10_000;
  while ((await bindingsFor(user)) !== count) {
    if (Date.now() > deadline) throw new Error(`'${user}' never had ${count} binding(s), has ${await bindingsFor(user)}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

const options = (port: number): StompModuleOptions => ({
  ...TEST_OPTIONS,
  relay: { port, reconnectDelay: 200 },
  authenticate: ({ headers }) => ({ name: headers.login ?? 'anonymous' }),
});

const as = (node: RunningApp, login: string): Promise<TestClient> =>
  connectWebSocket(node.baseUrl, '/stomp', { connectHeaders: { login } });

describe('broker relay: user messages travel only to the nodes of their user (RabbitMQ)', () => {
  let nodeA: RunningApp;
  let nodeB: RunningApp;
  const proxy = new RecordingProxy();
  const brokerEvents: StompBrokerEvent[] = [];
  const id = randomUUID().slice(0, 8);

  beforeAll(async () => {
    await requireRabbitMqStomp();
    const port = await proxy.listen();
    [nodeA, nodeB] = await Promise.all([startApp(options(port)), startApp(options(RABBIT_STOMP_PORT))]);
    nodeA.app
      .get(StompEvents)
      .on('broker')
      .subscribe((event) => brokerEvents.push(event));
  });
  afterAll(async () => {
    await Promise.all([nodeA?.close(), nodeB?.close()]);
    await proxy.close();
  });

  it("never hands a private message for a user on node B to node A's relay connection", async () => {
    const ana = `ana-${id}`;
    const anaOnB = await as(nodeB, ana);
    const inbox = await anaOnB.subscribeConfirmed('/user/queue/private');
    expect(await bindingsFor(ana)).toBe(1);
    await nodeA.app.get(SimpMessagingTemplate).convertAndSendToUser(ana, '/queue/private', `secret-${id}`);
    expect((await inbox.waitFor(1))[0].body).toBe(`secret-${id}`);
    // A message for a user on A, sent after: the proxy sees it, so the secret had every chance to arrive first.
    const bobOnA = await as(nodeA, `bob-${id}`);
    // No wait for the binding: the SUBSCRIBE RECEIPT comes only once RabbitMQ has it.
    const bobInbox = await bobOnA.subscribeConfirmed('/user/queue/private');
    await nodeB.app.get(SimpMessagingTemplate).convertAndSendToUser(`bob-${id}`, '/queue/private', `marker-${id}`);
    await bobInbox.waitFor(1);
    expect(proxy.received).toContain(`marker-${id}`);
    expect(proxy.received).not.toContain(`secret-${id}`);
    await Promise.all([anaOnB.disconnect(), bobOnA.disconnect()]);
  });

  it("keeps the user's binding while a session remains on the node, and drops it with the last", async () => {
    const cy = `cy-${id}`;
    const first = await as(nodeB, cy);
    const second = await as(nodeB, cy);
    await waitForBindings(cy, 1);
    await first.disconnect();
    const inbox = await second.subscribeConfirmed('/user/queue/private');
    await nodeA.app.get(SimpMessagingTemplate).convertAndSendToUser(cy, '/queue/private', 'still here');
    expect((await inbox.waitFor(1))[0].body).toBe('still here');
    expect(await bindingsFor(cy)).toBe(1);
    await second.disconnect();
    await waitForBindings(cy, 0);
  });

  it('isolates hostile user names: each gets its own messages and nothing else', async () => {
    const names = ['#', '*', `a.b-${id}`, `a/b-${id}`, `a-${id}`, `ünï😀-${id}`, `${'x'.repeat(300)}-${id}`];
    const clients = await Promise.all(names.map((name) => as(nodeA, name)));
    const inboxes = await Promise.all(clients.map((client) => client.subscribeConfirmed('/user/queue/private')));
    await Promise.all(names.map((name) => waitForBindings(name, 1)));
    const template = nodeB.app.get(SimpMessagingTemplate);
    for (const name of names) await template.convertAndSendToUser(name, '/queue/private', `for ${name}`);
    for (const [i, inbox] of inboxes.entries()) expect((await inbox.waitFor(1))[0].body).toBe(`for ${names[i]}`);
    // Sent last, to the first: once it arrives, anything misrouted earlier would have too.
    await template.convertAndSendToUser(names[0], '/queue/private', 'last');
    await inboxes[0].waitFor(2);
    expect(inboxes.map((inbox) => inbox.messages.length)).toEqual(names.map((_, i) => (i === 0 ? 2 : 1)));
    await Promise.all(clients.map((client) => client.disconnect()));
  });

  it('tells broker unavailability and return as events, and restores the bindings on reconnection', async () => {
    const dee = `dee-${id}`;
    const deeOnA = await as(nodeA, dee);
    const inbox = await deeOnA.subscribeConfirmed('/user/queue/private');
    await waitForBindings(dee, 1);
    brokerEvents.length = 0;
    proxy.cut();
    const deadline = Date.now() + 10_000;
    while (brokerEvents.length < 2 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 50));
    expect(brokerEvents).toEqual([
      { type: 'broker', available: false },
      { type: 'broker', available: true },
    ]);
    // The old connection's exclusive queue went with it; the new one is bound anew.
    await waitForBindings(dee, 1);
    await nodeB.app.get(SimpMessagingTemplate).convertAndSendToUser(dee, '/queue/private', 'after reconnect');
    expect((await inbox.waitFor(1))[0].body).toBe('after reconnect');
    await deeOnA.disconnect();
  });
});
