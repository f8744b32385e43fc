import 'reflect-metadata';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { Controller } from '@nestjs/common';
import { context, propagation, trace } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { W3CTraceContextPropagator } from '@opentelemetry/core';
import { BasicTracerProvider, InMemorySpanExporter, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { MessageMapping, SendTo, SendToUser, SimpMessagingTemplate } from '../../lib/index.js';
import { startApp, TEST_OPTIONS, type RunningApp } from '../fixtures/stomp-app.fixture.js';
import { RawStompClient } from '../fixtures/raw-stomp.fixture.js';

// One trace from a SEND carrying `traceparent`, through the handler's span, to every subscriber's MESSAGE.

const TRACE_ID = '4bf92f3577b34da6a3ce929d0e0e4736';
const CALLER_SPAN = '00f067aa0ba902b7';
const TRACEPARENT = `00-${TRACE_ID}-${CALLER_SPAN}-01`;

@Controller()
class RoomController {
  constructor(private readonly template: SimpMessagingTemplate) {}

  @MessageMapping('/rooms/{roomId}/send')
  @SendTo('/topic/rooms/{roomId}')
  async send(message: { text: string }): Promise<{ text: string }> {
    // A push from inside the handler belongs to the same trace.
    await this.template.convertAndSend('/topic/audit', { seen: message.text });
    return message;
  }

  @MessageMapping('/whoami')
  @SendToUser('/queue/me')
  whoami(): string {
    return 'you';
  }
}

const traceIdOf = (traceparent: string | undefined): string | undefined => traceparent?.split('-')[1];

describe('tracing: traceparent from SEND through the handler span to every MESSAGE', () => {
  const exporter = new InMemorySpanExporter();
  const provider = new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] });
  let running: RunningApp;

  beforeAll(async () => {
    context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
    propagation.setGlobalPropagator(new W3CTraceContextPropagator());
    trace.setGlobalTracerProvider(provider);
    running = await startApp({ ...TEST_OPTIONS, tracing: true }, { controllers: [RoomController] });
  });
  afterAll(async () => {
    await running?.close();
    await provider.shutdown();
    trace.disable();
    propagation.disable();
    context.disable();
  });

  it('names the span after the mapping, continues the caller trace and writes it on @SendTo, template and @SendToUser messages', async () => {
    const [alice, bob] = await Promise.all([RawStompClient.connect(running.baseUrl), RawStompClient.connect(running.baseUrl)]);
    for (const client of [alice, bob]) {
      await client.sendWithReceipt('SUBSCRIBE', { id: 'room', destination: '/topic/rooms/7' });
      await client.sendWithReceipt('SUBSCRIBE', { id: 'audit', destination: '/topic/audit' });
    }
    await alice.sendWithReceipt('SUBSCRIBE', { id: 'me', destination: '/user/queue/me' });

    alice.sendFrame(
      'SEND',
      { destination: '/app/rooms/7/send', 'content-type': 'application/json', traceparent: TRACEPARENT },
      '{"text":"hi"}',
    );
    for (const client of [alice, bob]) {
      const room = await client.waitFor((f) => f.command === 'MESSAGE' && f.headers.subscription === 'room');
      const audit = await client.waitFor((f) => f.command === 'MESSAGE' && f.headers.subscription === 'audit');
      expect(traceIdOf(room.headers.traceparent)).toBe(TRACE_ID);
      expect(traceIdOf(audit.headers.traceparent)).toBe(TRACE_ID);
    }

    const span = exporter.getFinishedSpans().find((s) => s.name === 'SEND /app/rooms/{roomId}/send');
    expect(span).toBeDefined();
    expect(span!.spanContext().traceId).toBe(TRACE_ID);
    expect(span!.parentSpanContext?.spanId).toBe(CALLER_SPAN);
    // The MESSAGE names the handler's span as its parent, not the caller's.
    const room = alice.framesOf('MESSAGE').find((f) => f.headers.subscription === 'room')!;
    expect(room.headers.traceparent.split('-')[2]).toBe(span!.spanContext().spanId);

    alice.sendFrame('SEND', { destination: '/app/whoami', traceparent: `00-${'a'.repeat(32)}-${'b'.repeat(16)}-01` }, '');
    const me = await alice.waitFor((f) => f.command === 'MESSAGE' && f.headers.subscription === 'me');
    expect(traceIdOf(me.headers.traceparent)).toBe('a'.repeat(32));

    await Promise.all([alice.close(), bob.close()]);
  });

  it('a SEND without traceparent starts a new trace, and pushes outside any handler carry none', async () => {
    const client = await RawStompClient.connect(running.baseUrl);
    await client.sendWithReceipt('SUBSCRIBE', { id: 'room', destination: '/topic/rooms/8' });
    await running.app.get(SimpMessagingTemplate).convertAndSend('/topic/rooms/8', { text: 'from a job' });
    const pushed = await client.waitFor((f) => f.command === 'MESSAGE');
    expect(pushed.headers.traceparent).toBeUndefined();

    client.sendFrame('SEND', { destination: '/app/rooms/8/send', 'content-type': 'application/json' }, '{"text":"new"}');
    const reply = await client.waitFor((f) => f.command === 'MESSAGE' && f !== pushed);
    const traceId = traceIdOf(reply.headers.traceparent);
    expect(traceId).toMatch(/^[0-9a-f]{32}$/);
    expect(traceId).not.toBe(TRACE_ID);
    await client.close();
  });
});

describe('tracing off (the default)', () => {
  it('adds no traceparent', async () => {
    const running = await startApp(TEST_OPTIONS, { controllers: [RoomController] });
    const client = await RawStompClient.connect(running.baseUrl);
    await client.sendWithReceipt('SUBSCRIBE', { id: 'room', destination: '/topic/rooms/9' });
    client.sendFrame(
      'SEND',
      { destination: '/app/rooms/9/send', 'content-type': 'application/json', traceparent: TRACEPARENT },
      '{"text":"x"}',
    );
    const message = await client.waitFor((f) => f.command === 'MESSAGE');
    // A reply is built from the handler's return value, never copied from the SEND's headers.
    expect(message.headers.traceparent).toBeUndefined();
    await client.close();
    await running.close();
  });
});
