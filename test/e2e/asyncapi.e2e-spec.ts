import { afterEach, describe, expect, it } from '@jest/globals';
import { Controller, Injectable } from '@nestjs/common';
import { IsInt, IsString, Max, Min } from 'class-validator';
import { MessageMapping, Payload, SendTo, SendToUser, StompAsyncApi, StompPublishes } from '../../lib/index.js';
import { parseAsyncApi } from '../fixtures/asyncapi.fixture.js';
import { startApp, TEST_OPTIONS, type RunningApp } from '../fixtures/stomp-app.fixture.js';

class OrderDto {
  @IsString()
  item!: string;

  @IsInt()
  @Min(1)
  @Max(99)
  quantity!: number;
}

@Controller()
class OrdersController {
  @MessageMapping('/orders/{id:\\d+}')
  @SendTo(['/topic/orders/{id}', '/topic/audit'])
  place(@Payload() order: OrderDto): OrderDto {
    return order;
  }

  @MessageMapping('/ping')
  @SendToUser({ broadcast: false })
  ping(@Payload() text: string): string {
    return text;
  }
}

@Injectable()
class Ticker {
  @StompPublishes('/topic/ticks/{market}', { payload: OrderDto, description: 'every fill' })
  tick(): void {}
}

describe('AsyncAPI document of a STOMP app', () => {
  let running: RunningApp | undefined;
  afterEach(() => running?.close());

  it.each(['express', 'fastify'] as const)('is served at asyncApi.path on %s and accepted by @asyncapi/parser', async (platform) => {
    running = await startApp(
      { ...TEST_OPTIONS, asyncApi: { path: '/docs/asyncapi.json', title: 'Orders' } },
      {
        platform,
        controllers: [OrdersController],
        providers: [Ticker],
      },
    );
    const response = await fetch(`${running.baseUrl}/docs/asyncapi.json`);
    expect(response.status).toBe(200);
    const document = await parseAsyncApi(await response.text());
    expect(document.info().title()).toBe('Orders');

    const addresses = document
      .channels()
      .all()
      .map((c) => c.address())
      .sort();
    expect(addresses).toEqual(
      [
        '/app/orders/{id}',
        '/app/ping',
        '/queue/ping',
        '/topic/audit',
        '/topic/orders/{id}',
        '/topic/ticks/{market}',
        '/user/queue/ping',
      ].filter((a) => a !== '/queue/ping'),
    );
    const place = document
      .operations()
      .all()
      .find((op) => op.channels().all()[0].address() === '/app/orders/{id}')!;
    // The regex of {id:\d+} is told, not left in the address (channel parameters are bare names).
    expect(place.channels().all()[0].parameters().get('id')?.description()).toContain('\\d+');
    expect(place.reply()?.channel()?.address()).toBe('/topic/orders/{id}');
    const quantity = place.messages().all()[0].payload()!.properties()!.quantity;
    expect([quantity.type(), quantity.minimum(), quantity.maximum()]).toEqual(['integer', 1, 99]);
    // A second @SendTo destination cannot be a second reply in AsyncAPI 3: it is a push of its own.
    const audit = document
      .operations()
      .all()
      .find((op) => op.channels().all()[0].address() === '/topic/audit');
    expect(audit?.action()).toBe('send');
    const tick = document
      .operations()
      .all()
      .find((op) => op.channels().all()[0].address() === '/topic/ticks/{market}');
    expect(tick?.action()).toBe('send');
    expect(tick!.messages().all()[0].payload()?.properties()?.quantity?.type()).toBe('integer');
  });

  it('is built without being served when asyncApi.path is not set', async () => {
    running = await startApp(TEST_OPTIONS, { controllers: [OrdersController] });
    expect((await fetch(`${running.baseUrl}/asyncapi.json`)).status).toBe(404);
    const document = await parseAsyncApi(JSON.stringify(running.app.get(StompAsyncApi).document()));
    expect(
      document
        .servers()
        .all()
        .map((s) => s.host()),
    ).toEqual(['localhost', 'localhost']);
  });

  it('the validator the tests use does reject a broken document', async () => {
    running = await startApp(TEST_OPTIONS, { controllers: [OrdersController] });
    // AsyncAPI 2's verbs are not AsyncAPI 3's: an operation that 'publish'es is an error there.
    const broken = structuredClone(running.app.get(StompAsyncApi).document()) as { operations: Record<string, { action: string }> };
    for (const operation of Object.values(broken.operations)) operation.action = 'publish';
    await expect(parseAsyncApi(JSON.stringify(broken))).rejects.toThrow(/action/);
  });
});
