import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { randomUUID } from 'node:crypto';
import { filter, firstValueFrom } from 'rxjs';
import { StompEvents } from '../../lib/index.js';
import { startApp, TEST_OPTIONS, type RunningApp } from '../fixtures/stomp-app.fixture.js';
import { RawStompClient } from '../fixtures/raw-stomp.fixture.js';
import { connectWebSocket } from '../fixtures/stomp-clients.fixture.js';
import { DestinationMatcher } from '../../lib/engine/broker/destination.matcher.js';
import { RABBIT_STOMP_PORT, requireRabbitMqStomp } from '../fixtures/rabbitmq.fixture.js';

/** A second client's SUBSCRIBE, SEND and MESSAGE: the server is still serving. */
async function roundTrip(running: RunningApp, destination: string): Promise<void> {
  const client = await RawStompClient.connect(running.baseUrl);
  await client.sendWithReceipt('SUBSCRIBE', { id: 'ok', destination });
  await client.sendWithReceipt('SEND', { destination }, 'still here');
  expect((await client.waitFor((f) => f.command === 'MESSAGE')).body).toBe('still here');
  await client.close();
}

describe('pattern subscriptions cannot stall the server', () => {
  let running: RunningApp;
  beforeAll(async () => {
    running = await startApp(TEST_OPTIONS);
  });
  afterAll(async () => running.close());

  it('matches the most complex pattern the defaults allow against a long destination without backtracking', async () => {
    const attacker = await RawStompClient.connect(running.baseUrl);
    // Eight stars: the most maxPatternWildcards allows by default.
    const pattern = '/topic/*a*a*a*a*a*a*a*b';
    await attacker.sendWithReceipt('SUBSCRIBE', { id: 'redos', destination: pattern });
    await attacker.sendWithReceipt('SEND', { destination: `/topic/${'a'.repeat(1000)}` }, 'no match');
    await attacker.sendWithReceipt('SEND', { destination: `/topic/${'a'.repeat(1000)}b` }, 'match');
    expect((await attacker.waitFor((f) => f.command === 'MESSAGE')).body).toBe('match');
    await roundTrip(running, '/topic/after-redos');
    await attacker.close();
  });

  it.each([
    ['too many wildcards in a segment', '/topic/*a*a*a*a*a*a*a*a*a*a*b'],
    ['too many segments', `/topic/${Array.from({ length: 32 }, () => '*').join('/')}`],
  ])('refuses a SUBSCRIBE pattern with %s (PATTERN_TOO_COMPLEX)', async (_what, destination) => {
    const client = await RawStompClient.connect(running.baseUrl);
    client.sendFrame('SUBSCRIBE', { id: 'x', destination });
    const error = await client.waitFor((f) => f.command === 'ERROR');
    expect(error.headers.message).toMatch(/^Subscription pattern too complex/);
    await client.closed;
    await roundTrip(running, '/topic/after-refusal');
  });

  it('keeps exact destinations of any depth', async () => {
    await roundTrip(running, `/topic/${Array.from({ length: 40 }, (_, i) => `s${i}`).join('/')}`);
  });
});

describe('pattern subscriptions and authorization: every delivered destination is checked', () => {
  let running: RunningApp;
  beforeAll(async () => {
    running = await startApp({
      ...TEST_OPTIONS,
      authenticate: ({ headers }) => ({ name: headers.login, roles: headers.login === 'root' ? ['admin'] : [] }),
      authorization: [
        { destination: '/topic/admin/**', subscribe: (p) => (p?.roles as string[] | undefined)?.includes('admin') === true },
        { destination: '/topic/slow/**', subscribe: async (p) => p?.name === 'ana' },
      ],
    });
  });
  afterAll(async () => running.close());

  const patterns = ['/topic/**', '/topic/*/secrets', '/topic/adm?n/secrets', '/topic/{x}/secrets', '/topic/a*/**'];
  const secret = '/topic/admin/secrets';
  // The last one reaches at least one pattern: once it has arrived, everything published before has too.
  const ordinary = ['/topic/news', '/topic/news/secrets', '/topic/admxn/secrets', '/topic/alerts/news'];
  const matcher = new DestinationMatcher();

  /** Subscribes `login` to every pattern, publishes the secret first and the ordinary messages after, and returns what each pattern got. */
  async function deliveries(login: string, published: string[]): Promise<Record<string, string[]>> {
    const client = await connectWebSocket(running.baseUrl, '/stomp', { connectHeaders: { login } });
    const inboxes = await Promise.all(patterns.map((p) => client.subscribeConfirmed(p)));
    const publisher = await connectWebSocket(running.baseUrl, '/stomp', { connectHeaders: { login: 'publisher' } });
    for (const destination of published) await publisher.sendConfirmed(destination, destination);
    const got: Record<string, string[]> = {};
    for (const [i, pattern] of patterns.entries()) {
      const expected = published.filter((d) => matcher.match(pattern, d) !== null && (login === 'root' || d !== secret));
      await inboxes[i].waitFor(expected.length);
      got[pattern] = inboxes[i].messages.map((m) => m.body);
    }
    await publisher.disconnect();
    await client.disconnect();
    return got;
  }

  it('accepts the patterns, but a non-admin never receives what /topic/admin/** refuses him', async () => {
    const got = await deliveries('eve', [secret, ...ordinary]);
    for (const pattern of patterns) {
      expect([pattern, got[pattern]]).toEqual([pattern, ordinary.filter((d) => matcher.match(pattern, d) !== null)]);
    }
  });

  it('delivers the admin messages to an admin through the same patterns', async () => {
    const got = await deliveries('root', [secret, ...ordinary]);
    for (const pattern of patterns) {
      expect([pattern, got[pattern]]).toEqual([pattern, [secret, ...ordinary].filter((d) => matcher.match(pattern, d) !== null)]);
    }
  });

  it('counts an asynchronous rule as a refusal for deliveries through a pattern', async () => {
    const ana = await connectWebSocket(running.baseUrl, '/stomp', { connectHeaders: { login: 'ana' } });
    const all = await ana.subscribeConfirmed('/topic/**');
    await ana.sendConfirmed('/topic/slow/x', 'slow');
    await ana.sendConfirmed('/topic/news', 'news');
    expect((await all.waitFor(1)).map((m) => m.body)).toEqual(['news']);
    const exact = await ana.subscribeConfirmed('/topic/slow/x');
    await ana.sendConfirmed('/topic/slow/x', 'slow again');
    expect((await exact.waitFor(1))[0].body).toBe('slow again');
    await ana.sendConfirmed('/topic/news', 'news again');
    expect((await all.waitFor(2)).map((m) => m.body)).toEqual(['news', 'news again']);
    await ana.disconnect();
  });
});

describe('pattern subscriptions and authorization through the RabbitMQ relay', () => {
  let running: RunningApp;
  // Destinations of this run only: other runs may share the broker.
  const base = `/topic/authz-${randomUUID().slice(0, 8)}`;
  beforeAll(async () => {
    await requireRabbitMqStomp();
    running = await startApp({
      ...TEST_OPTIONS,
      relay: { port: RABBIT_STOMP_PORT, reconnectDelay: 200 },
      authenticate: ({ headers }) => ({ name: headers.login, admin: headers.login === 'root' }),
      authorization: [{ destination: `${base}/admin/**`, subscribe: (p) => p?.admin === true }],
    });
  });
  afterAll(async () => running?.close());

  it('checks each relayed destination against the rules of each local pattern subscriber', async () => {
    const eve = await connectWebSocket(running.baseUrl, '/stomp', { connectHeaders: { login: 'eve' } });
    const root = await connectWebSocket(running.baseUrl, '/stomp', { connectHeaders: { login: 'root' } });
    const eveInbox = await eve.subscribeConfirmed(`${base}/**`);
    const rootInbox = await root.subscribeConfirmed(`${base}/**`);
    await root.sendConfirmed(`${base}/admin/secrets`, 'secret');
    await root.sendConfirmed(`${base}/news`, 'news');
    expect((await rootInbox.waitFor(2)).map((m) => m.body)).toEqual(['secret', 'news']);
    expect((await eveInbox.waitFor(1)).map((m) => m.body)).toEqual(['news']);
    await Promise.all([eve.disconnect(), root.disconnect()]);
  });
});

describe('maxPatternSubscriptions', () => {
  let running: RunningApp;
  beforeAll(async () => {
    running = await startApp({ ...TEST_OPTIONS, maxPatternSubscriptions: 2 });
  });
  afterAll(async () => running.close());

  it('refuses one pattern subscription too many on the server with an ERROR, keeps exact ones, and frees the places of a closed session', async () => {
    const first = await RawStompClient.connect(running.baseUrl);
    await first.sendWithReceipt('SUBSCRIBE', { id: 'p1', destination: '/topic/a/*' });
    const second = await RawStompClient.connect(running.baseUrl);
    await second.sendWithReceipt('SUBSCRIBE', { id: 'p2', destination: '/topic/b/**' });
    await second.sendWithReceipt('SUBSCRIBE', { id: 'e', destination: '/topic/exact' });
    second.sendFrame('SUBSCRIBE', { id: 'p3', destination: '/topic/c/*' });
    expect((await second.waitFor((f) => f.command === 'ERROR')).headers.message).toBe('Too many pattern subscriptions on this server');
    await second.closed;
    await roundTrip(running, '/topic/exact');
    // The broker has let go of the session's subscriptions once its disconnect event is out.
    const firstId = first.framesOf('CONNECTED')[0].headers.session;
    const firstGone = firstValueFrom(
      running.app
        .get(StompEvents)
        .on('disconnect')
        .pipe(filter((e) => e.sessionId === firstId)),
    );
    await first.close();
    await firstGone;
    const third = await RawStompClient.connect(running.baseUrl);
    await third.sendWithReceipt('SUBSCRIBE', { id: 'p1', destination: '/topic/c/*' });
    await third.sendWithReceipt('SUBSCRIBE', { id: 'p2', destination: '/topic/d/*' });
    await third.sendWithReceipt('SEND', { destination: '/topic/d/x' }, 'pattern');
    expect((await third.waitFor((f) => f.command === 'MESSAGE')).body).toBe('pattern');
    await third.close();
  });
});
