import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { randomUUID } from 'node:crypto';
import type { IMessage } from '@stomp/stompjs';
import { SimpMessagingTemplate, StompEvents, type StompModuleOptions } from '../../lib/index.js';
import { startApp, TEST_OPTIONS, type RunningApp } from '../fixtures/stomp-app.fixture.js';
import { connectWebSocket, type TestClient } from '../fixtures/stomp-clients.fixture.js';
import { PrivateRabbitNode } from '../fixtures/rabbitmq-node.fixture.js';

const seqOf = (m: IMessage): number => (JSON.parse(m.body) as { seq: number }).seq;

/** Resolves when the node's relay reports the broker `available` (or not). */
function brokerBecomes(node: RunningApp, available: boolean): Promise<void> {
  return new Promise((resolve) => {
    const subscription = node.app.get(StompEvents).broker$.subscribe((event) => {
      if (event.available !== available) return;
      subscription.unsubscribe();
      resolve();
    });
  });
}

/**
 * `rabbitmqctl stop_app` / `start_app` under two nodes, on a RabbitMQ node of the test's own (see
 * PrivateRabbitNode: stopping the machine's would break relay tests running in parallel).
 */
describe('broker relay across a RabbitMQ restart', () => {
  let rabbit: PrivateRabbitNode;
  let nodeA: RunningApp;
  let nodeB: RunningApp;
  const run = randomUUID().slice(0, 8);
  const open: TestClient[] = [];

  beforeAll(async () => {
    rabbit = await PrivateRabbitNode.start();
    const options: StompModuleOptions = {
      ...TEST_OPTIONS,
      queues: ['/queue/**'],
      history: [{ destination: '/topic/hist/**', size: 1000 }],
      relay: { port: rabbit.stompPort, reconnectDelay: 100, maxReconnectDelay: 500 },
    };
    [nodeA, nodeB] = await Promise.all([startApp(options), startApp(options)]);
  }, 90_000);
  afterAll(async () => {
    for (const client of open) await client.disconnect();
    await Promise.all([nodeA?.close(), nodeB?.close()]);
    await rabbit?.stop();
  });

  it('keeps sessions and subscriptions, refuses publishes while it is away, and loses nothing it had accepted', async () => {
    const topic = `/topic/restart-${run}`;
    const queue = `/queue/restart-${run}`;
    const stream = `/topic/hist/restart-${run}`;
    const template = nodeB.app.get(SimpMessagingTemplate);
    const subscriber = await connectWebSocket(nodeA.baseUrl);
    const reader = await connectWebSocket(nodeB.baseUrl);
    open.push(subscriber, reader);
    let sessionsEnded = 0;
    void subscriber.closed.then(() => sessionsEnded++);
    void reader.closed.then(() => sessionsEnded++);
    const topicInbox = await subscriber.subscribeConfirmed(topic);
    const streamInbox = await reader.subscribeConfirmed(stream, { 'x-stream-offset': 'first' });
    await template.convertAndSend(topic, { seq: 0 });
    for (let seq = 0; seq < 5; seq++) await template.convertAndSend(stream, { seq });
    // Confirmed by RabbitMQ (a RECEIPT), with nobody consuming yet: it must survive the restart.
    const producer = await connectWebSocket(nodeB.baseUrl);
    await producer.sendConfirmed(queue, 'accepted before');
    await producer.disconnect();
    await topicInbox.waitFor(1);
    await streamInbox.waitFor(5);

    const gone = Promise.all([brokerBecomes(nodeA, false), brokerBecomes(nodeB, false)]);
    await rabbit.stopApp();
    await gone;
    await expect(template.convertAndSend(topic, { seq: 1 })).rejects.toThrow('Broker not available');
    const sender = await connectWebSocket(nodeA.baseUrl);
    sender.client.publish({ destination: topic, body: 'during the outage' });
    await sender.closed;
    expect(sender.errors[0].headers.message).toBe('Broker not available');

    const back = Promise.all([brokerBecomes(nodeA, true), brokerBecomes(nodeB, true)]);
    await rabbit.startApp();
    await back;
    const consumer = await connectWebSocket(nodeA.baseUrl);
    open.push(consumer);
    const queueInbox = await consumer.subscribeConfirmed(queue);
    // Node A shares one broker subscription per topic: this RECEIPT waits until RabbitMQ has it again.
    await consumer.subscribeConfirmed(topic);
    await template.convertAndSend(topic, { seq: 2 });
    for (let seq = 5; seq < 8; seq++) await template.convertAndSend(stream, { seq });

    expect((await topicInbox.waitFor(2)).map(seqOf)).toEqual([0, 2]);
    expect((await queueInbox.waitFor(1)).map((m) => m.body)).toEqual(['accepted before']);
    const read = await streamInbox.waitFor(8);
    expect(read.map(seqOf)).toEqual([0, 1, 2, 3, 4, 5, 6, 7]);
    expect(read.map((m) => m.headers['x-stream-offset'])).toEqual(['0', '1', '2', '3', '4', '5', '6', '7']);
    expect(read.some((m) => m.headers['x-stream-gap'] !== undefined)).toBe(false);
    expect(sessionsEnded).toBe(0);
  }, 120_000);
});
