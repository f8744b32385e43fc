import { afterEach, describe, expect, it } from '@jest/globals';
import type { StompModuleOptions } from '../../../../lib/interfaces/stomp-options.interface.js';
import { EngineHarness, RecordingApplication, settle } from '../../../fixtures/engine.fixture.js';

const OPTIONS: StompModuleOptions = { appPrefix: '/app', brokerPrefixes: ['/topic', '/queue'] };

let engine: EngineHarness;

/** `application: null`: no `@MessageMapping` handlers at all. */
function start(
  options: StompModuleOptions = OPTIONS,
  application: RecordingApplication | null = new RecordingApplication(),
): EngineHarness {
  engine = new EngineHarness(options, application ?? undefined);
  return engine;
}

afterEach(() => engine.stop());

describe('InboundRouter: SEND', () => {
  it('hands an application destination to the application port with the prefix stripped, and RECEIPTs it', async () => {
    const application = new RecordingApplication();
    const { connection, session } = await start(OPTIONS, application).connect();
    connection.receiveFrame('SEND', { destination: '/app/rooms/7/send', receipt: 'r1' }, 'hi');
    await settle();
    expect(application.sends).toHaveLength(1);
    expect(application.sends[0]).toMatchObject({ sessionId: session.id, destination: '/rooms/7/send' });
    expect(application.sends[0].frame.headers.destination).toBe('/app/rooms/7/send');
    expect(connection.last('RECEIPT')!.headers['receipt-id']).toBe('r1');
  });

  it('publishes a broker destination through the broker to its subscribers, never to the application', async () => {
    const application = new RecordingApplication();
    start(OPTIONS, application);
    const subscriber = await engine.connect();
    subscriber.connection.receiveFrame('SUBSCRIBE', { id: 'sub-1', destination: '/topic/news' });
    const sender = await engine.connect();
    sender.connection.receiveFrame('SEND', { destination: '/topic/news', 'content-type': 'text/plain', custom: 'kept' }, 'extra');
    await settle();
    const message = subscriber.connection.last('MESSAGE')!;
    expect(message.headers).toMatchObject({ destination: '/topic/news', subscription: 'sub-1', custom: 'kept' });
    expect(message.body).toBe('extra');
    expect(application.sends).toEqual([]);
    expect(application.subscribes).toEqual([]);
  });

  it('refuses a SEND to a user destination: FORBIDDEN_DESTINATION', async () => {
    const { connection } = await start().connect();
    connection.receiveFrame('SEND', { destination: '/user/bob/queue/x' }, 'x');
    await settle();
    expect(connection.last('ERROR')!.headers.code).toBe('FORBIDDEN_DESTINATION');
  });

  it("refuses a destination that is no one's: UNKNOWN_DESTINATION", async () => {
    const { connection } = await start().connect();
    connection.receiveFrame('SEND', { destination: '/elsewhere/x' }, 'x');
    await settle();
    expect(connection.last('ERROR')!.headers).toMatchObject({ code: 'UNKNOWN_DESTINATION', message: "Unknown destination '/elsewhere/x'" });
  });

  it('treats the application prefix as unknown when no application handles it', async () => {
    const { connection } = await start(OPTIONS, null).connect();
    connection.receiveFrame('SEND', { destination: '/app/hello' }, 'x');
    await settle();
    expect(connection.last('ERROR')!.headers).toMatchObject({
      code: 'UNKNOWN_DESTINATION',
      message: "No handler for destination '/app/hello'",
    });
  });
});

describe('InboundRouter: SUBSCRIBE', () => {
  it('hands an application SUBSCRIBE to the port with the prefix stripped', async () => {
    const application = new RecordingApplication();
    const { connection, session } = await start(OPTIONS, application).connect();
    connection.receiveFrame('SUBSCRIBE', { id: 's1', destination: '/app/snapshot' });
    await settle();
    expect(application.subscribes).toEqual([{ sessionId: session.id, destination: '/snapshot', subscriptionId: 's1' }]);
  });

  it('refuses a client regex in a pattern: FORBIDDEN_DESTINATION', async () => {
    const { connection, session } = await start().connect();
    connection.receiveFrame('SUBSCRIBE', { id: 's1', destination: '/topic/{id:[a-z]+}' });
    await settle();
    expect(connection.last('ERROR')!.headers.code).toBe('FORBIDDEN_DESTINATION');
    expect(session.subscriptions.size).toBe(0);
  });

  it('allows `{name}` without a regex', async () => {
    const { connection, session } = await start().connect();
    connection.receiveFrame('SUBSCRIBE', { id: 's1', destination: '/topic/{room}', receipt: 'r1' });
    await settle();
    expect(connection.commands()).toEqual(['CONNECTED', 'RECEIPT']);
    expect(session.subscriptions.has('s1')).toBe(true);
  });

  it('refuses a pattern over maxPatternWildcards: PATTERN_TOO_COMPLEX', async () => {
    const { connection } = await start({ ...OPTIONS, maxPatternWildcards: 2 }).connect();
    connection.receiveFrame('SUBSCRIBE', { id: 's1', destination: '/topic/a*b*c*' });
    await settle();
    expect(connection.last('ERROR')!.headers.code).toBe('PATTERN_TOO_COMPLEX');
  });

  it('lets a long destination without wildcards through, whatever maxPatternSegments says', async () => {
    const { connection } = await start({ ...OPTIONS, maxPatternSegments: 2 }).connect();
    connection.receiveFrame('SUBSCRIBE', { id: 's1', destination: '/topic/a/b/c/d', receipt: 'r1' });
    connection.receiveFrame('SUBSCRIBE', { id: 's2', destination: '/topic/a/b/c/*' });
    await settle();
    expect(connection.commands()).toEqual(['CONNECTED', 'RECEIPT', 'ERROR']);
    expect(connection.last('ERROR')!.headers.code).toBe('PATTERN_TOO_COMPLEX');
  });

  it('refuses a broker SUBSCRIBE outside the broker prefixes: UNKNOWN_DESTINATION', async () => {
    const { connection } = await start().connect();
    connection.receiveFrame('SUBSCRIBE', { id: 's1', destination: '/elsewhere' });
    await settle();
    expect(connection.last('ERROR')!.headers.code).toBe('UNKNOWN_DESTINATION');
  });
});

describe('InboundRouter: authorization', () => {
  /** Rules that count how often each action is judged, and allow everything except `/topic/secret`. */
  function countingRules() {
    const judged = { send: 0, subscribe: 0 };
    const options: StompModuleOptions = {
      ...OPTIONS,
      authorization: [
        {
          destination: ['/topic/**', '/app/**'],
          send: (_p, destination) => (judged.send++, destination !== '/topic/secret'),
          subscribe: (_p, destination) => (judged.subscribe++, destination !== '/topic/secret'),
        },
      ],
    };
    return { judged, options };
  }

  it('judges each SEND and SUBSCRIBE once, for broker and application destinations', async () => {
    const { judged, options } = countingRules();
    const { connection } = await start(options).connect();
    connection.receiveFrame('SEND', { destination: '/topic/a' }, 'x');
    connection.receiveFrame('SEND', { destination: '/app/b' }, 'x');
    connection.receiveFrame('SUBSCRIBE', { id: 's1', destination: '/topic/a' });
    connection.receiveFrame('SUBSCRIBE', { id: 's2', destination: '/app/c', receipt: 'last' });
    await settle();
    expect(connection.last('RECEIPT')!.headers['receipt-id']).toBe('last');
    expect(judged).toEqual({ send: 2, subscribe: 2 });
  });

  it('refuses a denied SEND before it reaches the broker', async () => {
    const { options } = countingRules();
    start(options);
    const subscriber = await engine.connect();
    subscriber.connection.receiveFrame('SUBSCRIBE', { id: 's1', destination: '/topic/**' });
    const sender = await engine.connect();
    sender.connection.receiveFrame('SEND', { destination: '/topic/secret' }, 'x');
    await settle();
    expect(sender.connection.last('ERROR')!.headers.code).toBe('FORBIDDEN_DESTINATION');
    expect(subscriber.connection.last('MESSAGE')).toBeUndefined();
  });

  it('waits for an asynchronous rule, and refuses with the same code', async () => {
    const { connection } = await start({
      ...OPTIONS,
      authorization: [{ destination: '/topic/**', subscribe: async (_p, d) => d !== '/topic/secret' }],
    }).connect();
    connection.receiveFrame('SUBSCRIBE', { id: 's1', destination: '/topic/open', receipt: 'r1' });
    connection.receiveFrame('SUBSCRIBE', { id: 's2', destination: '/topic/secret' });
    await settle();
    expect(connection.commands()).toEqual(['CONNECTED', 'RECEIPT', 'ERROR']);
    expect(connection.last('ERROR')!.headers.code).toBe('FORBIDDEN_DESTINATION');
  });
});

describe('InboundRouter: session lifecycle', () => {
  it('registers a connected session in the directory and removes it with its disconnect code', async () => {
    start();
    const events: unknown[] = [];
    engine.core.events.on('disconnect').subscribe((e) => events.push(e));
    const { connection, session } = await engine.connect();
    expect(engine.core.directory.session(session.id)).toBe(session);
    connection.receiveFrame('SEND', { destination: '/elsewhere' }, 'x');
    await settle();
    expect(engine.core.directory.session(session.id)).toBeUndefined();
    expect(events).toEqual([expect.objectContaining({ sessionId: session.id, reason: 'protocol-error', code: 'UNKNOWN_DESTINATION' })]);
  });
});
