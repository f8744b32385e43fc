import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { randomUUID } from 'node:crypto';
import { SimpMessagingTemplate, StompBrokerRegistry, type StompModuleOptions } from '../../lib/index.js';
import { startApp, TEST_OPTIONS, type RunningApp } from '../fixtures/stomp-app.fixture.js';
import { connectSockJs, connectWebSocket } from '../fixtures/stomp-clients.fixture.js';
import { RABBIT_STOMP_PORT, requireRabbitMqStomp } from '../fixtures/rabbitmq.fixture.js';

const RELAYED: StompModuleOptions = {
  ...TEST_OPTIONS,
  relay: { port: RABBIT_STOMP_PORT, reconnectDelay: 200 },
  authenticate: ({ headers }) => ({ name: headers.login ?? 'anonymous' }),
};

/** Two Nest processes' worth of STOMP servers sharing destinations through a real RabbitMQ. */
describe('broker relay to RabbitMQ', () => {
  let nodeA: RunningApp;
  let nodeB: RunningApp;
  // Each run gets its own destinations, so messages of another run on the same broker cannot interfere.
  const run = randomUUID().slice(0, 8);

  beforeAll(async () => {
    await requireRabbitMqStomp();
    [nodeA, nodeB] = await Promise.all([startApp(RELAYED), startApp(RELAYED)]);
  });
  afterAll(async () => {
    await Promise.all([nodeA?.close(), nodeB?.close()]);
  });

  it('delivers a SEND on one node to subscribers on both nodes, with headers, in order', async () => {
    const onA = await connectWebSocket(nodeA.baseUrl);
    const onB = await connectSockJs(nodeB.baseUrl, 'xhr-streaming');
    const destination = `/topic/relay-${run}/prices`;
    const [inboxA, inboxB] = await Promise.all([onA.subscribeConfirmed(destination), onB.subscribeConfirmed(destination)]);
    for (let i = 0; i < 20; i++) onB.client.publish({ destination, body: `p${i}`, headers: { 'x-seq': String(i) } });
    const [a, b] = await Promise.all([inboxA.waitFor(20), inboxB.waitFor(20)]);
    expect(a.map((m) => m.body)).toEqual(Array.from({ length: 20 }, (_, i) => `p${i}`));
    expect(b.map((m) => m.body)).toEqual(a.map((m) => m.body));
    expect(a[3].headers).toMatchObject({ destination, 'x-seq': '3' });
    expect(a[3].headers['x-nestjs-stomp-destination']).toBeUndefined();
    await Promise.all([onA.disconnect(), onB.disconnect()]);
  });

  it('carries SimpMessagingTemplate pushes from one node to pattern subscribers on another', async () => {
    const onA = await connectWebSocket(nodeA.baseUrl);
    const inbox = await onA.subscribeConfirmed(`/topic/relay-${run}/rooms/*`);
    await nodeB.app.get(SimpMessagingTemplate).convertAndSend(`/topic/relay-${run}/rooms/lobby`, { hello: 'from B' });
    await nodeB.app.get(SimpMessagingTemplate).convertAndSend(`/topic/relay-${run}/other/x`, 'not for the pattern');
    await nodeB.app.get(SimpMessagingTemplate).convertAndSend(`/topic/relay-${run}/rooms/kitchen`, { hello: 'again' });
    const messages = await inbox.waitFor(2);
    expect(messages.map((m) => JSON.parse(m.body))).toEqual([{ hello: 'from B' }, { hello: 'again' }]);
    expect(messages[0].headers['content-type']).toBe('application/json');
    expect(messages[0].headers.destination).toBe(`/topic/relay-${run}/rooms/lobby`);
    await onA.disconnect();
  });

  it('keeps serving the other subscribers of a shared broker subscription when one leaves, and drops it with the last', async () => {
    const first = await connectWebSocket(nodeA.baseUrl);
    const second = await connectWebSocket(nodeA.baseUrl);
    const destination = `/topic/relay-${run}/shared`;
    const inboxFirst = await first.subscribeConfirmed(destination);
    const inboxSecond = await second.subscribeConfirmed(destination);
    await first.disconnect();
    await second.sendConfirmed(destination, 'after first left');
    expect((await inboxSecond.waitFor(1))[0].body).toBe('after first left');
    expect(inboxFirst.messages).toHaveLength(0);
    await second.disconnect();
    expect(
      nodeA.app
        .get(StompBrokerRegistry)
        .subscriptions()
        .filter((s) => s.destination === destination),
    ).toEqual([]);
  });

  it('convertAndSendToUser on one process reaches that user on another, once per session, and nobody else', async () => {
    const ana = `ana-${run}`;
    const anaOnA = await connectWebSocket(nodeA.baseUrl, '/stomp', { connectHeaders: { login: ana } });
    const anaOnB = await connectWebSocket(nodeB.baseUrl, '/stomp', { connectHeaders: { login: ana } });
    const bobOnA = await connectWebSocket(nodeA.baseUrl, '/stomp', { connectHeaders: { login: `bob-${run}` } });
    const [inboxA, inboxB, inboxBob] = await Promise.all([anaOnA, anaOnB, bobOnA].map((c) => c.subscribeConfirmed('/user/queue/messages')));

    await nodeB.app.get(SimpMessagingTemplate).convertAndSendToUser(ana, '/queue/messages', { text: 'hi ana' });
    const [[onA], [onB]] = await Promise.all([inboxA.waitFor(1), inboxB.waitFor(1)]);
    expect(JSON.parse(onA.body)).toEqual({ text: 'hi ana' });
    expect(onA.headers.destination).toBe('/user/queue/messages');
    expect(onB.body).toBe(onA.body);

    // A later message to bob proves the earlier one had every chance to (wrongly) arrive at bob.
    await nodeA.app.get(SimpMessagingTemplate).convertAndSendToUser(`bob-${run}`, '/queue/messages', 'hi bob');
    expect((await inboxBob.waitFor(1)).map((m) => m.body)).toEqual(['hi bob']);
    expect(inboxA.messages).toHaveLength(1);
    expect(inboxB.messages).toHaveLength(1);
    await Promise.all([anaOnA, anaOnB, bobOnA].map((c) => c.disconnect()));
  });
});

describe('broker relay with no broker reachable', () => {
  let running: RunningApp;
  beforeAll(async () => {
    // Port 1 on loopback: nothing listens there, so the relay never connects.
    running = await startApp({ ...TEST_OPTIONS, relay: { port: 1, reconnectDelay: 60_000 } });
  });
  afterAll(async () => running.close());

  it('answers a client SEND with ERROR "Broker not available", and the template throws', async () => {
    const client = await connectWebSocket(running.baseUrl);
    client.client.publish({ destination: '/topic/anything', body: 'x' });
    await client.closed;
    expect(client.errors[0].headers.message).toBe('Broker not available');
    await expect(running.app.get(SimpMessagingTemplate).convertAndSend('/topic/anything', 'x')).rejects.toThrow('Broker not available');
  });
});
