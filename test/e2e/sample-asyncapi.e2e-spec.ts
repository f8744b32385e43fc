import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { AsyncAPIDocumentInterface } from '@asyncapi/parser';
import { MAX_MESSAGE_LENGTH } from '../../sample-app/src/chat/chat.dto.js';
import { parseAsyncApi } from '../fixtures/asyncapi.fixture.js';
import { FROZEN_CHAIN, startSample, type RunningSample } from '../fixtures/sample-app.fixture.js';

describe('sample app: /asyncapi.json', () => {
  let sample: RunningSample;
  let document: AsyncAPIDocumentInterface;

  beforeAll(async () => {
    sample = await startSample(FROZEN_CHAIN);
    const response = await fetch(`${sample.baseUrl}/asyncapi.json`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^application\/json/);
    document = await parseAsyncApi(await response.text());
  });
  afterAll(() => sample?.close());

  const operationOn = (address: string) =>
    document
      .operations()
      .all()
      .find((op) => op.channels().all()[0]?.address() === address);

  it('is AsyncAPI 3.0 that @asyncapi/parser accepts without errors or warnings', () => {
    expect(document.version()).toBe('3.0.0');
  });

  it('names the dashboard topics the server pushes to', () => {
    for (const topic of ['/topic/blockInfo', '/topic/tranInfo', '/topic/supply']) {
      const operation = operationOn(topic);
      expect(operation?.action()).toBe('send');
      const payload = operation!.messages().all()[0].payload();
      expect(payload?.type()).toBe('object');
    }
    expect(Object.keys(operationOn('/topic/blockInfo')!.messages().all()[0].payload()!.properties()!)).toContain('height');
  });

  it('names the chat handlers a client sends to, with their replies and class-validator rules as the schema', () => {
    const send = operationOn('/dap/rooms/{roomId}/send');
    expect(send?.action()).toBe('receive');
    expect(send!.channels().all()[0].parameters().get('roomId')).toBeDefined();
    expect(send!.reply()?.channel()?.address()).toBe('/topic/rooms/{roomId}');
    const schema = send!.messages().all()[0].payload()!;
    expect(schema.required()).toEqual(['sendMessage']);
    expect(schema.properties()!.sendMessage.maxLength()).toBe(MAX_MESSAGE_LENGTH);

    for (const address of ['/dap/rooms/{roomId}/join', '/dap/rooms/{roomId}/leave', '/dap/hello', '/dap/in', '/dap/out']) {
      expect(operationOn(address)?.action()).toBe('receive');
    }
    // @SendToUser: the reply names the destination the client subscribes to.
    expect(operationOn('/dap/private')!.reply()?.channel()?.address()).toBe('/user/queue/messages');
    // @SubscribeMapping without @SendTo: the server answers on the subscription itself.
    expect(operationOn('/dap/dashboard')?.action()).toBe('send');
  });

  it('lists the STOMP endpoint as servers, on the host the document was fetched from', () => {
    const servers = document
      .servers()
      .all()
      .map((s) => [s.id(), s.protocol(), s.host(), s.pathname()]);
    expect(servers).toEqual([
      ['websocket', 'stomp', `127.0.0.1:${sample.port}`, '/block/websocket'],
      ['sockjs', 'stomp', `127.0.0.1:${sample.port}`, '/block'],
    ]);
  });
});
