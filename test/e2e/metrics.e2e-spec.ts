import { afterEach, describe, expect, it } from '@jest/globals';
import { Registry, register } from 'prom-client';
import type WebSocket from 'ws';
import { SimpMessagingTemplate, StompBrokerRegistry, StompOptionsError } from '../../lib/index.js';
import { connectWebSocket, type TestClient } from '../fixtures/stomp-clients.fixture.js';
import { parsePrometheus } from '../fixtures/prometheus.fixture.js';
import { RawStompClient } from '../fixtures/raw-stomp.fixture.js';
import { startApp, TEST_OPTIONS, type RunningApp } from '../fixtures/stomp-app.fixture.js';

describe('metrics option', () => {
  let running: RunningApp | undefined;
  afterEach(async () => {
    await running?.close();
    running = undefined;
  });

  it('puts the stomp_* series on the registry passed, read when it is scraped', async () => {
    const registry = new Registry();
    running = await startApp({ ...TEST_OPTIONS, metrics: { enabled: true, registry } });
    const client = await connectWebSocket(running.baseUrl);
    const inbox = await client.subscribeConfirmed('/topic/t');
    await client.sendConfirmed('/topic/t', 'x');
    await inbox.waitFor(1);
    const samples = parsePrometheus(await registry.metrics());
    expect(samples.get('stomp_sessions{transport="raw-websocket"}')).toBe(1);
    expect(samples.get('stomp_subscriptions')).toBe(1);
    expect(samples.get('stomp_messages_delivered_total')).toBe(1);
    expect(register.getSingleMetric('stomp_sessions')).toBeUndefined();
    await client.disconnect();

    // A session ended by a protocol error is counted under its stable code.
    const raw = await RawStompClient.connect(running.baseUrl);
    raw.sendFrame('SEND', { destination: '/nowhere' }, 'x');
    await raw.closed;
    const after = parsePrometheus(await registry.metrics());
    expect(after.get('stomp_session_errors_total{code="UNKNOWN_DESTINATION"}')).toBe(1);
    expect(after.get('stomp_frames_received_total{command="SEND"}')).toBe(2);
    expect(after.get('stomp_frames_sent_total{command="ERROR"}')).toBe(1);
  });

  it('registers nothing when off (the default), and unregisters on close so the next app can register again', async () => {
    running = await startApp(TEST_OPTIONS);
    expect(register.getSingleMetric('stomp_sessions')).toBeUndefined();
    // Off, the send-backlog histogram does not exist, so no connection gets a flush hook.
    expect(running.app.get(StompBrokerRegistry).sendBacklog).toBeUndefined();
    await running.close();
    for (let i = 0; i < 2; i++) {
      running = await startApp({ ...TEST_OPTIONS, metrics: { enabled: true } });
      expect(register.getSingleMetric('stomp_sessions')).toBeDefined();
      await running.close();
    }
    running = undefined;
    expect(register.getSingleMetric('stomp_sessions')).toBeUndefined();
  });

  it('sums the servers of several apps on one registry, and keeps the series until the last one closes', async () => {
    const registry = new Registry();
    const options = { ...TEST_OPTIONS, metrics: { enabled: true, registry } };
    const [first, second] = await Promise.all([startApp(options), startApp(options)]);
    running = second;
    const clients = await Promise.all([connectWebSocket(first.baseUrl), connectWebSocket(second.baseUrl)]);
    expect(parsePrometheus(await registry.metrics()).get('stomp_sessions{transport="raw-websocket"}')).toBe(2);
    await clients[0].disconnect();
    await first.close();
    const samples = parsePrometheus(await registry.metrics());
    expect(samples.get('stomp_sessions{transport="raw-websocket"}')).toBe(1);
    // A closed app's totals leave the sum: to Prometheus a counter reset, which rate() takes in its stride.
    expect(samples.get('stomp_sessions_opened_total')).toBe(1);
    await clients[1].disconnect();
  });

  it('stomp_send_buffer_bytes: once per session per flush; a reader that stops is seen past the 64 KiB its socket holds', async () => {
    const registry = new Registry();
    const options = { ...TEST_OPTIONS, overflowPolicy: 'drop-oldest' as const, sendBufferSizeLimit: 1024 * 1024 };
    running = await startApp({ ...options, metrics: { enabled: true, registry } });
    const stomp = running.app.get(StompBrokerRegistry);
    const template = running.app.get(SimpMessagingTemplate);
    const [fast, slow] = await Promise.all([connectWebSocket(running.baseUrl), connectWebSocket(running.baseUrl)]);
    const fastInbox = await fast.subscribeConfirmed('/topic/feed');
    const slowInbox = await slow.subscribeConfirmed('/topic/feed');
    const backlog = async (): Promise<{ count: number; sum: number; upTo64KiB: number }> => {
      const samples = parsePrometheus(await registry.metrics());
      return {
        count: samples.get('stomp_send_buffer_bytes_count') ?? NaN,
        sum: samples.get('stomp_send_buffer_bytes_sum') ?? NaN,
        upTo64KiB: samples.get('stomp_send_buffer_bytes_bucket{le="65536"}') ?? NaN,
      };
    };
    // Both read: one observation per session per flush, nothing waiting.
    await template.convertAndSend('/topic/feed', 'x');
    await Promise.all([fastInbox.waitFor(1), slowInbox.waitFor(1)]);
    const reading = await backlog();
    expect(reading.count).toBeGreaterThanOrEqual(2);
    expect(reading.upTo64KiB).toBe(reading.count);
    expect(parsePrometheus(await registry.metrics()).get('stomp_send_buffer_bytes_bucket{le="0"}')).toBe(reading.count);
    // Twelve 8 KiB frames in one tick (past the 16 KiB cork cap, so each socket is uncorked early and corked again):
    // still one observation per session, not one per message.
    const body = 'b'.repeat(8 * 1024);
    await Promise.all(Array.from({ length: 12 }, () => template.convertAndSend('/topic/feed', body)));
    await Promise.all([fastInbox.waitFor(13), slowInbox.waitFor(13)]);
    expect((await backlog()).count - reading.count).toBe(2);

    // The slow one stops reading until its send queue drops: kernel buffers full, the budget (1 MiB) full.
    const slowId = slow.connected.headers.session;
    const dropped = (): number => stomp.sessionViews().find((v) => v.id === slowId)?.droppedMessages ?? -1;
    (slow.client.webSocket as unknown as WebSocket).pause();
    let sent = 13;
    while (dropped() === 0 && sent < 20_000) {
      for (let i = 0; i < 16; i++, sent++) await template.convertAndSend('/topic/feed', body);
      await fastInbox.waitFor(sent);
      await new Promise((resolve) => setImmediate(resolve));
    }
    expect(dropped()).toBeGreaterThan(0);
    // Past the kernel's buffers, its socket holds up to 64 KiB before frames wait in its send queue: the flush
    // that filled the socket saw that much (and what already queued behind it) still waiting.
    const stalled = await backlog();
    expect(stalled.count).toBeGreaterThan(reading.count);
    expect(stalled.upTo64KiB).toBeLessThan(stalled.count);
    expect(stalled.sum - reading.sum).toBeGreaterThan(64 * 1024);
    (slow.client.webSocket as unknown as WebSocket).resume();
    await template.convertAndSend('/topic/feed', 'last');
    await slowInbox.waitFor(sent + 1 - dropped(), 20_000);
    await Promise.all([fast.disconnect(), slow.disconnect()]);
  });

  it('gauges queue depth, unacknowledged and history sizes by configured pattern, read when scraped', async () => {
    const registry = new Registry();
    running = await startApp({
      ...TEST_OPTIONS,
      queues: ['/queue/jobs/**', '/queue/idle/*'],
      history: [{ destination: '/topic/prices.*', size: 2 }],
      metrics: { enabled: true, registry },
    });
    const open: TestClient[] = [];
    const client = async (): Promise<TestClient> => {
      const connected = await connectWebSocket(running!.baseUrl);
      open.push(connected);
      return connected;
    };
    const producer = await client();
    for (const destination of ['/queue/jobs/a', '/queue/jobs/a', '/queue/jobs/b/c', '/queue/jobs/b/c'])
      await producer.sendConfirmed(destination, 'job');
    for (const [destination, body] of [
      ['/topic/prices.eur', '1'],
      ['/topic/prices.eur', '2'],
      ['/topic/prices.eur', '3'],
      ['/topic/prices.usd', '4'],
    ])
      await producer.sendConfirmed(destination, body);
    let samples = parsePrometheus(await registry.metrics());
    expect(samples.get('stomp_queues{pattern="/queue/jobs/**"}')).toBe(2);
    expect(samples.get('stomp_queue_depth{pattern="/queue/jobs/**"}')).toBe(4);
    expect(samples.get('stomp_queue_unacked{pattern="/queue/jobs/**"}')).toBe(0);
    expect(samples.get('stomp_queue_bytes{pattern="/queue/jobs/**"}')).toBeGreaterThan(4 * 256);
    expect(samples.get('stomp_queue_depth{pattern="/queue/idle/*"}')).toBe(0);
    // Only configured patterns are labels, never the destinations themselves.
    expect([...samples.keys()].filter((k) => k.includes('/queue/jobs/a') || k.includes('prices.eur'))).toEqual([]);
    // Two kept on eur (size 2), one on usd.
    expect(samples.get('stomp_history_destinations{pattern="/topic/prices.*"}')).toBe(2);
    expect(samples.get('stomp_history_messages{pattern="/topic/prices.*"}')).toBe(3);
    const historyBytes = samples.get('stomp_history_bytes{pattern="/topic/prices.*"}') ?? 0;
    expect(historyBytes).toBeGreaterThan(3 * 256);

    // A consumer that takes one job at a time and has not acknowledged it.
    const consumer = await client();
    const jobs = await consumer.subscribeConfirmed('/queue/jobs/a', { ack: 'client-individual', 'prefetch-count': '1' });
    const [first] = await jobs.waitFor(1);
    samples = parsePrometheus(await registry.metrics());
    expect(samples.get('stomp_queue_depth{pattern="/queue/jobs/**"}')).toBe(3);
    expect(samples.get('stomp_queue_unacked{pattern="/queue/jobs/**"}')).toBe(1);
    first.ack();
    await jobs.waitFor(2);
    await producer.sendConfirmed('/topic/prices.usd', '5');
    samples = parsePrometheus(await registry.metrics());
    expect(samples.get('stomp_queue_depth{pattern="/queue/jobs/**"}')).toBe(2);
    expect(samples.get('stomp_queue_unacked{pattern="/queue/jobs/**"}')).toBe(1);
    expect(samples.get('stomp_history_messages{pattern="/topic/prices.*"}')).toBe(4);
    expect(samples.get('stomp_history_bytes{pattern="/topic/prices.*"}')).toBeGreaterThan(historyBytes);
    for (const connected of open) await connected.disconnect();
  });

  it('refuses a registry that is not one, at startup', async () => {
    await expect(startApp({ ...TEST_OPTIONS, metrics: { registry: {} as never } })).rejects.toThrow(/metrics.registry/);
    await expect(startApp({ ...TEST_OPTIONS, metrics: { enabled: 'yes' as never } })).rejects.toThrow(StompOptionsError);
  });
});
