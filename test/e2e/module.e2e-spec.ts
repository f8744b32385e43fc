import { afterEach, describe, expect, it } from '@jest/globals';
import { Injectable, Module } from '@nestjs/common';
import { StompBrokerRegistry, StompModule, StompOptionsError, type StompModuleOptions, type StompOptionsFactory } from '../../lib/index.js';
import { startApp, TEST_OPTIONS, type RunningApp } from '../fixtures/stomp-app.fixture.js';
import { connectSockJs } from '../fixtures/stomp-clients.fixture.js';
import { httpRequest, RawStompClient, SockJsHttpSession, stompFrame } from '../fixtures/raw-stomp.fixture.js';

@Injectable()
class AppConfig {
  readonly stompEndpoint = '/by-factory';
}

@Module({ providers: [AppConfig], exports: [AppConfig] })
class AppConfigModule {}

@Injectable()
class ClassOptions implements StompOptionsFactory {
  createStompOptions(): StompModuleOptions {
    return { ...TEST_OPTIONS, endpoint: '/by-class', httpMessageCacheSize: 7 };
  }
}

@Injectable()
class SharedOptions implements StompOptionsFactory {
  calls = 0;
  async createStompOptions(): Promise<StompModuleOptions> {
    this.calls++;
    return { ...TEST_OPTIONS, endpoint: '/by-existing', maxHeaders: 9 };
  }
}

@Module({ providers: [SharedOptions], exports: [SharedOptions] })
class SharedOptionsModule {}

class NotAFactory {}

/** Connects, subscribes, sends and receives once at `<endpoint>/websocket`. */
async function roundTrip(baseUrl: string, endpoint: string): Promise<void> {
  const client = await RawStompClient.connect(baseUrl, { 'accept-version': '1.2' }, { path: `${endpoint}/websocket` });
  await client.sendWithReceipt('SUBSCRIBE', { id: 'rt', destination: '/topic/rt' });
  await client.sendWithReceipt('SEND', { destination: '/topic/rt' }, 'round trip');
  expect((await client.waitFor((f) => f.command === 'MESSAGE')).body).toBe('round trip');
  await client.close();
}

/** Active timers that keep the process alive (unref'd ones are not listed). */
function activeTimeouts(): number {
  return process.getActiveResourcesInfo().filter((r) => r === 'Timeout').length;
}

/** Resolves once the count of active timers is back to `baseline`, or fails with the count after `timeoutMs`. */
async function timersBackTo(baseline: number, timeoutMs = 300): Promise<number> {
  const deadline = Date.now() + timeoutMs;
  while (activeTimeouts() > baseline && Date.now() < deadline) await new Promise((resolve) => setImmediate(resolve));
  return activeTimeouts();
}

describe('StompModule configuration', () => {
  let running: RunningApp | undefined;
  afterEach(async () => {
    await running?.close();
    running = undefined;
  });

  it('forRootAsync with useFactory + inject (async factory) takes its options from another module', async () => {
    running = await startApp(undefined, {
      stompModule: StompModule.forRootAsync({
        imports: [AppConfigModule],
        inject: [AppConfig],
        useFactory: async (config: AppConfig) => ({ ...TEST_OPTIONS, endpoint: config.stompEndpoint }),
      }),
    });
    expect(running.app.get(StompBrokerRegistry).options.endpoint).toBe('/by-factory');
    expect((await httpRequest(`${running.baseUrl}/by-factory/info`)).status).toBe(200);
    await roundTrip(running.baseUrl, '/by-factory');
  });

  it('forRootAsync with useClass', async () => {
    running = await startApp(undefined, { stompModule: StompModule.forRootAsync({ useClass: ClassOptions }) });
    const { options } = running.app.get(StompBrokerRegistry);
    expect(options.endpoint).toBe('/by-class');
    expect(options.httpMessageCacheSize).toBe(7);
    await roundTrip(running.baseUrl, '/by-class');
  });

  it('forRootAsync with useExisting reuses the provider another module exports', async () => {
    running = await startApp(undefined, {
      stompModule: StompModule.forRootAsync({ imports: [SharedOptionsModule], useExisting: SharedOptions }),
    });
    const { options } = running.app.get(StompBrokerRegistry);
    expect(options.endpoint).toBe('/by-existing');
    expect(options.maxHeaders).toBe(9);
    expect(running.app.get(SharedOptions).calls).toBe(1);
    await roundTrip(running.baseUrl, '/by-existing');
  });
});

describe('StompModule: invalid options fail at bootstrap with a helpful message', () => {
  /** Boots an app with this module, expecting the bootstrap to fail. */
  async function bootError(stompModule: () => ReturnType<typeof StompModule.forRoot>): Promise<Error> {
    let app: RunningApp | undefined;
    try {
      app = await startApp(undefined, { stompModule: stompModule() });
    } catch (error) {
      return error as Error;
    }
    await app.close();
    throw new Error('the app started');
  }

  it('streamBytesLimit: -1', async () => {
    const error = await bootError(() => StompModule.forRoot({ ...TEST_OPTIONS, streamBytesLimit: -1 }));
    expect(error).toBeInstanceOf(StompOptionsError);
    expect(error.message).toMatch(/streamBytesLimit/);
    expect(error.message).toMatch(/positive whole number/);
    expect(error.message).toMatch(/-1/);
  });

  it('an unknown option suggests the one that was meant (endpont → endpoint)', async () => {
    const error = await bootError(() => StompModule.forRoot({ endpont: '/stomp' } as StompModuleOptions));
    expect(error).toBeInstanceOf(StompOptionsError);
    expect(error.message).toMatch(/Unknown StompModule option 'endpont'/);
    expect(error.message).toMatch(/did you mean 'endpoint'/);
  });

  it('an unknown option in another case suggests the right spelling', async () => {
    const error = await bootError(() => StompModule.forRoot({ StreamBytesLimit: 1 } as StompModuleOptions));
    expect(error.message).toMatch(/did you mean 'streamBytesLimit'/);
  });

  it.each([
    ['enableSimpleBroker', 'brokerPrefixes'],
    ['setApplicationDestinationPrefixes', 'appPrefix'],
    ['setStreamBytesLimit', 'streamBytesLimit'],
    ['setHttpMessageCacheSize', 'httpMessageCacheSize'],
  ])('a Spring name (%s) points to our option (%s)', async (spring, ours) => {
    const error = await bootError(() => StompModule.forRoot({ [spring]: ['/topic'] } as StompModuleOptions));
    expect(error.message).toContain(`did you mean '${ours}'`);
  });

  it('other bad values say what to write', async () => {
    const heartbeat = await bootError(() => StompModule.forRoot({ heartbeat: [1] as unknown as [number, number] }));
    expect(heartbeat.message).toMatch(/heartbeat.*\[sendEveryMs, expectEveryMs\]/);
    const policy = await bootError(() => StompModule.forRoot({ overflowPolicy: 'drop' as 'terminate' }));
    expect(policy.message).toMatch(/'terminate', 'drop-oldest'/);
    const endpoint = await bootError(() => StompModule.forRoot({ endpoint: 'stomp' }));
    expect(endpoint.message).toMatch(/endpoint.*'\/stomp'/);
  });

  it('forRootAsync with none of useFactory / useClass / useExisting', async () => {
    const error = await bootError(() => StompModule.forRootAsync({}));
    expect(error).toBeInstanceOf(StompOptionsError);
    expect(error.message).toMatch(/exactly one of useFactory, useClass or useExisting/);
    expect(error.message).toMatch(/useFactory: \(config\)/);
  });

  it('forRootAsync with two of them', async () => {
    const error = await bootError(() => StompModule.forRootAsync({ useClass: ClassOptions, useFactory: () => ({}) }));
    expect(error.message).toMatch(/exactly one of/);
  });

  it('forRootAsync useClass that is not a StompOptionsFactory', async () => {
    const error = await bootError(() => StompModule.forRootAsync({ useClass: NotAFactory as never }));
    expect(error.message).toMatch(/NotAFactory must implement StompOptionsFactory/);
  });

  it('an async factory that returns bad options', async () => {
    const error = await bootError(() => StompModule.forRootAsync({ useFactory: async () => ({ messageSizeLimit: 0 }) }));
    expect(error).toBeInstanceOf(StompOptionsError);
    expect(error.message).toMatch(/messageSizeLimit/);
  });
});

describe('StompModule shutdown', () => {
  let running: RunningApp | undefined;
  let beat: NodeJS.Timeout | undefined;
  afterEach(async () => {
    clearInterval(beat);
    await running?.close();
    running = undefined;
  });

  it('tells connected clients "Server shutting down", closes every transport and leaves no timer behind', async () => {
    const baseline = activeTimeouts();
    running = await startApp({ ...TEST_OPTIONS, heartbeat: [100, 100], connectTimeout: 5_000 });
    const app = running;

    // Sessions holding every kind of server timer: heart-beat send, heart-beat receive, CONNECT timeout, SockJS session timers.
    const beating = await RawStompClient.connect(app.baseUrl, { 'accept-version': '1.2', 'heart-beat': '0,100' });
    const expecting = await RawStompClient.connect(app.baseUrl, { 'accept-version': '1.2', 'heart-beat': '100,0' });
    beat = setInterval(() => expecting.send('\n'), 40);
    const unconnected = await RawStompClient.open(app.baseUrl);
    const streaming = await connectSockJs(app.baseUrl, 'xhr-streaming');
    await streaming.subscribeConfirmed('/topic/bye');
    const idlePolling = new SockJsHttpSession(app.baseUrl);
    await idlePolling.open();
    expect((await idlePolling.send([stompFrame('CONNECT', { 'accept-version': '1.2' })])).status).toBe(204);
    expect(app.app.get(StompBrokerRegistry).sessionCount).toBe(4);

    running = undefined;
    await app.close();
    clearInterval(beat);

    const [beatingClose, expectingClose] = await Promise.all([beating.closed, expecting.closed, unconnected.closed, streaming.closed]);
    expect(beating.frames.at(-1)?.command).toBe('ERROR');
    expect(beating.frames.at(-1)?.headers.message).toBe('Server shutting down');
    expect(beatingClose.code).toBe(1001);
    expect(expecting.frames.at(-1)?.headers.message).toBe('Server shutting down');
    expect(expectingClose.code).toBe(1001);
    expect(unconnected.frames).toHaveLength(0);
    expect(streaming.errors.map((e) => e.headers.message)).toEqual(['Server shutting down']);

    expect(await timersBackTo(baseline)).toBeLessThanOrEqual(baseline);
  });

  it('a SockJS session that ended before shutdown leaves no timer behind either', async () => {
    const baseline = activeTimeouts();
    running = await startApp();
    const app = running;
    const client = await connectSockJs(app.baseUrl, 'xhr-streaming');
    await client.disconnect();
    await client.closed;
    expect(app.app.get(StompBrokerRegistry).sessionCount).toBe(0);
    running = undefined;
    await app.close();
    expect(await timersBackTo(baseline)).toBeLessThanOrEqual(baseline);
  });
});
