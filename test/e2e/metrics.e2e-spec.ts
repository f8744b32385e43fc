import { afterEach, describe, expect, it } from '@jest/globals';
import { Registry, register } from 'prom-client';
import { StompOptionsError } from '../../lib/index.js';
import { connectWebSocket } from '../fixtures/stomp-clients.fixture.js';
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

  it('refuses a registry that is not one, at startup', async () => {
    await expect(startApp({ ...TEST_OPTIONS, metrics: { registry: {} as never } })).rejects.toThrow(/metrics.registry/);
    await expect(startApp({ ...TEST_OPTIONS, metrics: { enabled: 'yes' as never } })).rejects.toThrow(StompOptionsError);
  });
});
