import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { connectSockJs, connectWebSocket } from '../fixtures/stomp-clients.fixture.js';
import { scrape, type Samples } from '../fixtures/prometheus.fixture.js';
import { FROZEN_CHAIN, startSample, type RunningSample } from '../fixtures/sample-app.fixture.js';

const value = (samples: Samples, series: string): number => {
  const found = samples.get(series);
  if (found === undefined) throw new Error(`no ${series} in ${[...samples.keys()].filter((k) => k.startsWith('stomp_')).join(', ')}`);
  return found;
};

describe('sample app: /metrics', () => {
  let sample: RunningSample;
  beforeAll(async () => {
    sample = await startSample({ ...FROZEN_CHAIN, STOMP_BROKER_PREFIXES: '/topic/,/queue/', STOMP_QUEUES: '/queue/jobs/**' });
  });
  afterAll(() => sample?.close());

  it('serves stomp_* series that move with real STOMP traffic', async () => {
    const metrics = `${sample.baseUrl}/metrics`;
    const before = await scrape(metrics);
    expect(value(before, 'stomp_sessions{transport="raw-websocket"}')).toBe(0);
    expect(value(before, 'stomp_queue_depth{pattern="/queue/jobs/**"}')).toBe(0);

    const ana = await connectWebSocket(sample.baseUrl, '/block', { connectHeaders: { login: 'ana' } });
    const bob = await connectSockJs(sample.baseUrl, 'xhr-streaming', '/block', { connectHeaders: { login: 'bob' } });
    const inboxes = await Promise.all([ana.subscribeConfirmed('/topic/in'), bob.subscribeConfirmed('/topic/in')]);
    await ana.sendConfirmed('/dap/in', 'ana joined');
    await Promise.all(inboxes.map((inbox) => inbox.waitFor(1)));
    // Two jobs for a queue: bob takes one (client acknowledgement, one at a time) and has not acknowledged it.
    for (const job of ['build', 'deploy']) await ana.sendConfirmed('/queue/jobs/ci', job);
    const jobs = await bob.subscribeConfirmed('/queue/jobs/ci', { ack: 'client', 'prefetch-count': '1' });
    await jobs.waitFor(1);

    const during = await scrape(metrics);
    expect(value(during, 'stomp_sessions{transport="raw-websocket"}')).toBe(1);
    expect(value(during, 'stomp_sessions{transport="xhr-streaming"}')).toBe(1);
    // One /topic/in each, and bob's queue consumer: these clients are not pages, which subscribe to more.
    expect(value(during, 'stomp_subscriptions')).toBe(3);
    // CONNECT, SUBSCRIBE and three SENDs from ana; CONNECT and two SUBSCRIBEs from bob (by command; absent before = 0).
    const moved = (series: string): number => value(during, series) - (before.get(series) ?? 0);
    expect(moved('stomp_frames_received_total{command="CONNECT"}')).toBe(2);
    expect(moved('stomp_frames_received_total{command="SUBSCRIBE"}')).toBe(3);
    expect(moved('stomp_frames_received_total{command="SEND"}')).toBe(3);
    // CONNECTED each, RECEIPTs for the confirmed SUBSCRIBEs and SENDs, the two MESSAGEs and the job.
    expect(moved('stomp_frames_sent_total{command="CONNECTED"}')).toBe(2);
    expect(moved('stomp_frames_sent_total{command="RECEIPT"}')).toBeGreaterThanOrEqual(6);
    expect(moved('stomp_frames_sent_total{command="MESSAGE"}')).toBe(3);
    expect(value(during, 'stomp_queue_depth{pattern="/queue/jobs/**"}')).toBe(1);
    expect(value(during, 'stomp_queue_unacked{pattern="/queue/jobs/**"}')).toBe(1);
    // Every flush to ana and bob (CONNECTED, RECEIPTs, MESSAGEs) looked at their backlog once; both keep up.
    expect(moved('stomp_send_buffer_bytes_count')).toBeGreaterThanOrEqual(6);
    expect(moved('stomp_send_buffer_bytes_bucket{le="65536"}')).toBe(moved('stomp_send_buffer_bytes_count'));
    // The sample's /dap/in handler ran once, timed under its mapping pattern.
    expect(moved('stomp_handler_duration_seconds_count{pattern="/dap/in"}')).toBe(1);
    expect(moved('stomp_handler_duration_seconds_bucket{le="+Inf",pattern="/dap/in"}')).toBe(1);
    expect(value(during, 'stomp_messages_delivered_total') - value(before, 'stomp_messages_delivered_total')).toBe(3);
    expect(value(during, 'stomp_sessions_opened_total') - value(before, 'stomp_sessions_opened_total')).toBe(2);

    await ana.disconnect();
    await bob.disconnect();
    await waitFor(async () => value(await scrape(metrics), 'stomp_sessions{transport="xhr-streaming"}') === 0);
    const after = await scrape(metrics);
    expect(value(after, 'stomp_sessions{transport="raw-websocket"}')).toBe(0);
    expect(value(after, 'stomp_subscriptions')).toBe(0);
    // bob left without acknowledging: the job waits again.
    expect(value(after, 'stomp_queue_depth{pattern="/queue/jobs/**"}')).toBe(2);
    expect(value(after, 'stomp_queue_unacked{pattern="/queue/jobs/**"}')).toBe(0);
    const closedBefore = before.get('stomp_sessions_closed_total{reason="client-disconnect"}') ?? 0;
    expect(value(after, 'stomp_sessions_closed_total{reason="client-disconnect"}') - closedBefore).toBe(2);
  });
});

async function waitFor(condition: () => Promise<boolean>, timeoutMs = 5000): Promise<void> {
  for (const deadline = Date.now() + timeoutMs; !(await condition());) {
    if (Date.now() > deadline) throw new Error('timeout');
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
