import { firstValueFrom, filter } from 'rxjs';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { StompBrokerRegistry, StompEvents, StompProtocolError, type StompSessionEvent } from '../../lib/index.js';
import { startApp, TEST_OPTIONS, type RunningApp } from '../fixtures/stomp-app.fixture.js';
import { connectWebSocket, connectSockJs } from '../fixtures/stomp-clients.fixture.js';

describe('session events and destination authorization', () => {
  let running: RunningApp;
  const seen: StompSessionEvent[] = [];
  beforeAll(async () => {
    running = await startApp({
      ...TEST_OPTIONS,
      authenticate: ({ headers }) => ({ name: headers.login, admin: headers.login === 'root' }),
      authorization: [
        { destination: '/topic/admin/**', subscribe: (user) => user?.admin === true, send: false },
        { destination: '/topic/slow/*', subscribe: async (user) => user?.name === 'ana' },
      ],
    });
    const events = running.app.get(StompEvents);
    events.events$.subscribe((e) => seen.push(e));
    events.beforeConnect((e) => {
      if (e.user === 'banned') throw new StompProtocolError('AUTHENTICATION_FAILED', 'You are banned');
    });
  });
  afterAll(async () => running.close());

  const disconnectOf = (sessionId: string) =>
    firstValueFrom(
      running.app
        .get(StompEvents)
        .on('disconnect')
        .pipe(filter((e) => e.sessionId === sessionId)),
    );
  const eventsOf = (sessionId: string) => seen.filter((e) => e.sessionId === sessionId).map((e) => e.type);

  it('fires connect, connected, subscribe, unsubscribe and one disconnect with its reason', async () => {
    const ana = await connectSockJs(running.baseUrl, 'xhr-streaming', '/stomp', { connectHeaders: { login: 'ana' } });
    const id = ana.connected.headers.session;
    const inbox = await ana.subscribeConfirmed('/topic/room');
    ana.client.unsubscribe(inbox.id, { receipt: 'u1' });
    await new Promise<void>((resolve) => ana.client.watchForReceipt('u1', () => resolve()));
    const disconnected = disconnectOf(id);
    await ana.disconnect();
    await disconnected;
    expect(eventsOf(id)).toEqual(['connect', 'connected', 'subscribe', 'unsubscribe', 'disconnect']);
    const disconnect = seen.find((e) => e.sessionId === id && e.type === 'disconnect');
    expect(disconnect).toMatchObject({ user: 'ana', reason: 'client-disconnect', transport: 'xhr-streaming' });
  });

  it('reports a transport close as the disconnect reason', async () => {
    const bob = await connectWebSocket(running.baseUrl, '/stomp', { connectHeaders: { login: 'bob' } });
    const id = bob.connected.headers.session;
    const disconnected = disconnectOf(id);
    (bob.client.webSocket as unknown as { close(): void }).close();
    await disconnected;
    expect(seen.filter((e) => e.sessionId === id && e.type === 'disconnect')).toEqual([
      expect.objectContaining({ reason: 'transport-closed' }),
    ]);
  });

  it('lets a beforeConnect listener refuse a session with its message', async () => {
    await expect(connectWebSocket(running.baseUrl, '/stomp', { connectHeaders: { login: 'banned' } })).rejects.toThrow('You are banned');
  });

  it('denies SUBSCRIBE to admin topics for non-admins and allows admins; nobody may SEND there', async () => {
    const root = await connectWebSocket(running.baseUrl, '/stomp', { connectHeaders: { login: 'root' } });
    const adminInbox = await root.subscribeConfirmed('/topic/admin/alerts');

    const eve = await connectWebSocket(running.baseUrl, '/stomp', { connectHeaders: { login: 'eve' } });
    eve.subscribe('/topic/admin/alerts');
    await eve.closed;
    expect(eve.errors[0].headers.message).toBe("Access denied: SUBSCRIBE to '/topic/admin/alerts'");

    root.client.publish({ destination: '/topic/admin/alerts', body: 'forged' });
    await root.closed;
    expect(root.errors[0].headers.message).toBe("Access denied: SEND to '/topic/admin/alerts'");
    expect(adminInbox.messages).toHaveLength(0);
  });

  it('waits for an asynchronous rule', async () => {
    const ana = await connectWebSocket(running.baseUrl, '/stomp', { connectHeaders: { login: 'ana' } });
    const inbox = await ana.subscribeConfirmed('/topic/slow/x');
    await ana.sendConfirmed('/topic/slow/x', 'hi');
    expect((await inbox.waitFor(1))[0].body).toBe('hi');
    const carl = await connectWebSocket(running.baseUrl, '/stomp', { connectHeaders: { login: 'carl' } });
    carl.subscribe('/topic/slow/x');
    await carl.closed;
    expect(carl.errors[0].headers.message).toMatch(/Access denied/);
    await ana.disconnect();
  });
});

describe('authorizationFailure: report', () => {
  let running: RunningApp;
  beforeAll(async () => {
    running = await startApp({
      ...TEST_OPTIONS,
      authenticate: ({ headers }) => ({ name: headers.login }),
      authorization: [{ destination: '/topic/admin/**', subscribe: false, send: false }],
      authorizationFailure: 'report',
    });
  });
  afterAll(async () => running.close());

  it('reports a denied SUBSCRIBE and SEND on /user/queue/errors, delivers nothing, and keeps the session', async () => {
    const eve = await connectWebSocket(running.baseUrl, '/stomp', { connectHeaders: { login: 'eve' } });
    const errors = await eve.subscribeConfirmed('/user/queue/errors');
    const denied = eve.subscribe('/topic/admin/alerts', { receipt: 'denied-sub' });
    eve.client.publish({ destination: '/topic/admin/alerts', body: 'forged', headers: { receipt: 'denied-send' } });
    const reports = (await errors.waitFor(2)).map((m) => JSON.parse(m.body));
    expect(reports).toEqual([
      { message: "Access denied: SUBSCRIBE to '/topic/admin/alerts'", destination: '/topic/admin/alerts', receipt: 'denied-sub' },
      { message: "Access denied: SEND to '/topic/admin/alerts'", destination: '/topic/admin/alerts', receipt: 'denied-send' },
    ]);
    // Still connected, and the refused subscription never became one.
    const open = await eve.subscribeConfirmed('/topic/open');
    await eve.sendConfirmed('/topic/open', 'still here');
    expect((await open.waitFor(1))[0].body).toBe('still here');
    expect(denied.messages).toHaveLength(0);
    expect(
      running.app
        .get(StompBrokerRegistry)
        .subscriptions()
        .map((s) => s.destination),
    ).not.toContain('/topic/admin/alerts');
    await eve.disconnect();
  });

  it('falls back to an ERROR frame for a client not listening on its error destination', async () => {
    const mallory = await connectWebSocket(running.baseUrl, '/stomp', { connectHeaders: { login: 'mallory' } });
    mallory.subscribe('/topic/admin/alerts');
    await mallory.closed;
    expect(mallory.errors[0].headers.message).toBe("Access denied: SUBSCRIBE to '/topic/admin/alerts'");
  });
});
