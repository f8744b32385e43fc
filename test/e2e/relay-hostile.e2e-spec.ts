import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { randomUUID } from 'node:crypto';
import { createServer, connect, type Server, type Socket } from 'node:net';
import type { AddressInfo } from 'node:net';
import { SimpMessagingTemplate, StompBrokerRegistry, StompServer, type StompModuleOptions } from '../../lib/index.js';
import { startApp, TEST_OPTIONS, type RunningApp } from '../fixtures/stomp-app.fixture.js';
import { RawStompClient, type RawFrame } from '../fixtures/raw-stomp.fixture.js';
import { userRouteDestination } from '../../lib/engine/broker/relay/relay.user-routes.js';
import { RABBIT_STOMP_PORT, requireRabbitMqStomp } from '../fixtures/rabbitmq.fixture.js';

/** Default brokerPrefixes: the broker takes every destination, the relay's own included if it let them. */
const EVERY_DESTINATION: StompModuleOptions = {
  ...TEST_OPTIONS,
  brokerPrefixes: undefined,
  relay: { port: RABBIT_STOMP_PORT, reconnectDelay: 200 },
  authenticate: ({ headers }) => ({ name: headers.login ?? 'anonymous' }),
};

const run = randomUUID().slice(0, 8);
let nextId = 0;

function login(name: string): Record<string, string> {
  return { 'accept-version': '1.2', login: name };
}

async function subscribed(client: RawStompClient, destination: string): Promise<string> {
  const id = `sub-${++nextId}`;
  await client.sendWithReceipt('SUBSCRIBE', { id, destination });
  return id;
}

function messagesOn(client: RawStompClient, subscription: string): RawFrame[] {
  return client.framesOf('MESSAGE').filter((f) => f.headers.subscription === subscription);
}

function answerTo(client: RawStompClient, receipt: string): Promise<RawFrame> {
  return client.waitFor((f) => f.headers['receipt-id'] === receipt && (f.command === 'RECEIPT' || f.command === 'ERROR'));
}

/** Re-checks a condition of server state until it holds (the server has no event for it). */
async function until(condition: () => boolean, what: string): Promise<void> {
  for (let waited = 0; !condition(); waited += 10) {
    if (waited > 10_000) throw new Error(`timeout waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

describe('broker relay against hostile clients (RabbitMQ)', () => {
  let nodeA: RunningApp;
  let nodeB: RunningApp;
  beforeAll(async () => {
    await requireRabbitMqStomp();
    [nodeA, nodeB] = await Promise.all([startApp(EVERY_DESTINATION), startApp(EVERY_DESTINATION)]);
  });
  afterAll(async () => {
    await Promise.all([nodeA?.close(), nodeB?.close()]);
  });

  it('shows no private message to a spy on /**, /topic/** or the internal exchange, and refuses the reserved name', async () => {
    const ana = await RawStompClient.connect(nodeA.baseUrl, login(`ana-${run}`));
    const inbox = await subscribed(ana, '/user/queue/x');
    const spy = await RawStompClient.connect(nodeB.baseUrl, login(`spy-${run}`));
    const spyIds = [
      await subscribed(spy, '/**'),
      await subscribed(spy, '/topic/**'),
      await subscribed(spy, '/exchange/amq.direct/nestjs-stomp.user-messages'),
      await subscribed(spy, userRouteDestination(`ana-${run}`)),
    ];
    const template = nodeB.app.get(SimpMessagingTemplate);
    await template.convertAndSendToUser(`ana-${run}`, '/queue/x', `secret-${run}`);
    expect((await ana.waitFor((f) => f.command === 'MESSAGE')).body).toBe(`secret-${run}`);
    // A public message sent after it reaches the spy's patterns: the secret had every chance to arrive first.
    await template.convertAndSend(`/topic/marker-${run}`, `marker-${run}`);
    await spy.waitForCount((f) => f.command === 'MESSAGE' && f.body === `marker-${run}`, 2);
    const seen = spyIds.flatMap((id) => messagesOn(spy, id)).map((f) => f.body);
    expect(seen.filter((body) => body.includes(run))).toEqual([`marker-${run}`, `marker-${run}`]);

    spy.sendFrame('SUBSCRIBE', { id: 'internal', destination: '/nestjs-stomp/user-messages', receipt: 'internal' });
    const refused = await answerTo(spy, 'internal');
    expect(refused.command).toBe('ERROR');
    expect(refused.headers.message).toContain('reserved for the broker relay');
    expect(messagesOn(ana, inbox)).toHaveLength(1);
    await Promise.all([ana.close(), spy.close()]);
  });

  it("refuses a forger's SEND to the internal name; the internal headers never reach a user", async () => {
    const ana = await RawStompClient.connect(nodeA.baseUrl, login(`ana2-${run}`));
    const inbox = await subscribed(ana, '/user/queue/x');
    const forged = { 'x-nestjs-stomp-user': `ana2-${run}`, 'x-nestjs-stomp-user-destination': '/queue/x' };

    // The internal exchange's name as a client writes it is an ordinary topic: accepted, but no one's private message.
    const writer = await RawStompClient.connect(nodeB.baseUrl, login(`forger-${run}`));
    await writer.sendWithReceipt('SEND', { destination: '/exchange/amq.direct/nestjs-stomp.user-messages', ...forged }, 'forged 1');
    await writer.sendWithReceipt('SEND', { destination: `/topic/anything-${run}`, ...forged }, 'forged 2');

    const forger = await RawStompClient.connect(nodeB.baseUrl, login(`forger-${run}`));
    forger.sendFrame('SEND', { destination: '/nestjs-stomp/user-messages', receipt: 'forged', ...forged }, 'forged 3');
    const refused = await answerTo(forger, 'forged');
    expect(refused.command).toBe('ERROR');
    expect(refused.headers.message).toContain('reserved for the broker relay');

    // A real private message afterwards: the forged ones had every chance to arrive before it.
    await nodeB.app.get(SimpMessagingTemplate).convertAndSendToUser(`ana2-${run}`, '/queue/x', 'real');
    await ana.waitFor((f) => f.command === 'MESSAGE');
    expect(messagesOn(ana, inbox).map((f) => f.body)).toEqual(['real']);
    await Promise.all([ana.close(), writer.close(), forger.close()]);
  });

  it.each([
    ['expiration', 'abc'],
    ['expiration', '-1'],
    ['expiration', '99999999999999999999'],
    ['priority', '1.5'],
    ['persistent', 'yes'],
    ['user-id', 'someone-else'],
    ['reply-to', '/temp-queue/mine'],
    ['x-max-length', 'many'],
  ])("answers %s:%s with an ERROR to its sender only; the shared connection and the others' stream go on", async (name, value) => {
    const destination = `/topic/stream-${run}-${name}`;
    const listener = await RawStompClient.connect(nodeA.baseUrl, login(`listener-${run}`));
    const stream = await subscribed(listener, destination);
    const good = await RawStompClient.connect(nodeB.baseUrl, login(`good-${run}`));
    for (let i = 0; i < 5; i++) good.sendFrame('SEND', { destination }, `m${i}`);

    const bad = await RawStompClient.connect(nodeB.baseUrl, login(`bad-${run}`));
    bad.sendFrame('SEND', { destination, [name]: value, receipt: 'bad' }, 'poison');
    const answer = await answerTo(bad, 'bad');
    expect(answer.command).toBe('ERROR');
    expect(answer.headers.message).toContain(`Header '${name}'`);

    for (let i = 5; i < 10; i++) good.sendFrame('SEND', { destination }, `m${i}`);
    await good.sendWithReceipt('SEND', { destination }, 'm10');
    await listener.waitForCount((f) => f.headers.subscription === stream, 11);
    expect(messagesOn(listener, stream).map((f) => f.body)).toEqual(Array.from({ length: 11 }, (_, i) => `m${i}`));
    expect(good.framesOf('ERROR')).toEqual([]);
    await Promise.all([listener.close(), good.close(), bad.close()]);
  });
});

/** A TCP hop between the relay and RabbitMQ that can hold the relay's bytes, cut the connection, or refuse to pass new ones. */
class BrokerHop {
  readonly server: Server;
  private readonly pairs = new Set<{ relay: Socket; broker: Socket }>();
  private readonly parked: Socket[] = [];
  private held: Buffer[] | undefined;
  private down = false;
  private seen = '';
  private watchers: Array<() => void> = [];

  constructor() {
    this.server = createServer((relay) => (this.down ? this.parked.push(relay) : this.pass(relay)));
  }

  async listen(): Promise<number> {
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    return (this.server.address() as AddressInfo).port;
  }

  /** Keeps what the relay writes from now on (RabbitMQ sees nothing, so answers nothing). */
  hold(): void {
    this.held = [];
    this.seen = '';
  }

  /** Resolves once the relay has written `text` since hold(). */
  sawFromRelay(text: string): Promise<void> {
    return new Promise((resolve) => {
      const check = (): void => {
        if (!this.seen.includes(text)) return;
        this.watchers = this.watchers.filter((w) => w !== check);
        resolve();
      };
      this.watchers.push(check);
      check();
    });
  }

  release(): void {
    const held = this.held ?? [];
    this.held = undefined;
    for (const pair of this.pairs) for (const chunk of held) pair.broker.write(chunk);
  }

  /** Cuts every connection; while down, new ones are accepted and left waiting. */
  cut(stayDown: boolean): void {
    this.down = stayDown;
    this.held = undefined;
    for (const pair of this.pairs) pair.relay.destroy();
  }

  up(): void {
    this.down = false;
    for (const relay of this.parked.splice(0)) this.pass(relay);
  }

  close(): Promise<void> {
    this.cut(false);
    for (const relay of this.parked) relay.destroy();
    return new Promise((resolve) => this.server.close(() => resolve()));
  }

  private pass(relay: Socket): void {
    const broker = connect(RABBIT_STOMP_PORT, '127.0.0.1');
    const pair = { relay, broker };
    this.pairs.add(pair);
    relay.on('data', (chunk: Buffer) => {
      if (!this.held) return void broker.write(chunk);
      this.held.push(chunk);
      this.seen += chunk.toString('latin1');
      for (const watcher of [...this.watchers]) watcher();
    });
    broker.on('data', (chunk: Buffer) => relay.write(chunk));
    const end = (): void => {
      this.pairs.delete(pair);
      relay.destroy();
      broker.destroy();
    };
    relay.on('close', end).on('error', end);
    broker.on('close', end).on('error', end);
  }
}

describe('broker relay RECEIPTs come from the broker', () => {
  let hop: BrokerHop;
  let node: RunningApp;
  let relayAvailable: () => boolean;

  beforeAll(async () => {
    await requireRabbitMqStomp();
    hop = new BrokerHop();
    const port = await hop.listen();
    node = await startApp({ ...EVERY_DESTINATION, relay: { port, reconnectDelay: 50 } });
    const broker = node.app.get(StompServer).broker as unknown as { available: boolean };
    relayAvailable = () => broker.available;
  });
  afterAll(async () => {
    await node?.close();
    await hop?.close();
  });

  /** A client with a way to reach it past the broker (a session-only user message), to prove what it had not received by then. */
  async function clientWithMarker(): Promise<{ client: RawStompClient; marker: (text: string) => Promise<RawFrame> }> {
    const client = await RawStompClient.connect(node.baseUrl, login(`c-${run}-${++nextId}`));
    const sessionId = client.framesOf('CONNECTED')[0].headers.session;
    await subscribed(client, '/user/queue/marker');
    const template = node.app.get(SimpMessagingTemplate);
    return {
      client,
      marker: async (text) => {
        await template.convertAndSendToSession(sessionId, '/queue/marker', text);
        return client.waitFor((f) => f.command === 'MESSAGE' && f.body === text);
      },
    };
  }

  it('answers a SEND RECEIPT only after the broker did, and an ERROR when the connection drops first', async () => {
    const { client, marker } = await clientWithMarker();
    const destination = `/topic/receipts-${run}`;
    const stream = await subscribed(client, destination);

    hop.hold();
    client.sendFrame('SEND', { destination, receipt: 'held' }, 'one');
    await hop.sawFromRelay('one');
    await marker('before release');
    expect(client.framesOf('RECEIPT').filter((f) => f.headers['receipt-id'] === 'held')).toEqual([]);
    hop.release();
    expect((await answerTo(client, 'held')).command).toBe('RECEIPT');
    await client.waitFor((f) => f.headers.subscription === stream && f.body === 'one');

    hop.hold();
    client.sendFrame('SEND', { destination, receipt: 'lost' }, 'two');
    await hop.sawFromRelay('two');
    hop.cut(false);
    const lost = await answerTo(client, 'lost');
    expect(lost.command).toBe('ERROR');
    expect(lost.headers.message).toBe('Broker not available');
    await client.close();
  });

  it('answers a SUBSCRIBE made during an outage only once the broker has the subscription', async () => {
    await until(relayAvailable, 'the relay to connect');
    const { client, marker } = await clientWithMarker();
    hop.cut(true);
    await until(() => !relayAvailable(), 'the relay to notice the outage');

    const destination = `/topic/outage-${run}`;
    client.sendFrame('SUBSCRIBE', { id: 'during-outage', destination, receipt: 'outage' });
    const registry = node.app.get(StompBrokerRegistry);
    await until(() => registry.subscriptions().some((s) => s.destination === destination), 'the relay to take the SUBSCRIBE');
    await marker('during outage');
    expect(client.framesOf('RECEIPT').filter((f) => f.headers['receipt-id'] === 'outage')).toEqual([]);

    hop.up();
    expect((await answerTo(client, 'outage')).command).toBe('RECEIPT');
    await node.app.get(SimpMessagingTemplate).convertAndSend(destination, 'after the outage');
    expect((await client.waitFor((f) => f.headers.subscription === 'during-outage')).body).toBe('after the outage');
    await client.close();
  });
});
