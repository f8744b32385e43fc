import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { SimpMessagingTemplate } from '../../lib/index.js';
import { startApp, TEST_OPTIONS, type RunningApp } from '../fixtures/stomp-app.fixture.js';
import { connectWebSocket, connectSockJs } from '../fixtures/stomp-clients.fixture.js';

describe('user destinations', () => {
  let running: RunningApp;
  let template: SimpMessagingTemplate;
  beforeAll(async () => {
    running = await startApp({ ...TEST_OPTIONS, authenticate: ({ headers }) => ({ name: headers.login }) });
    template = running.app.get(SimpMessagingTemplate);
  });
  afterAll(async () => running.close());

  it('reaches every session of the user and nobody else, showing the /user destination', async () => {
    const ana1 = await connectWebSocket(running.baseUrl, '/stomp', { connectHeaders: { login: 'ana' } });
    const ana2 = await connectSockJs(running.baseUrl, 'xhr-polling', '/stomp', { connectHeaders: { login: 'ana' } });
    const bob = await connectWebSocket(running.baseUrl, '/stomp', { connectHeaders: { login: 'bob' } });
    expect(ana1.connected.headers['user-name']).toBe('ana');
    const inboxes = await Promise.all([ana1, ana2, bob].map((c) => c.subscribeConfirmed('/user/queue/messages')));
    // A pattern subscription over every queue must not see user messages either.
    const snoop = await bob.subscribeConfirmed('/queue/**');

    expect(await template.convertAndSendToUser('ana', '/queue/messages', { text: 'for ana' })).toBe(2);
    await template.convertAndSendToUser('bob', '/queue/messages', 'for bob');

    const [[a1], [a2], [b]] = await Promise.all([inboxes[0].waitFor(1), inboxes[1].waitFor(1), inboxes[2].waitFor(1)]);
    expect(JSON.parse(a1.body)).toEqual({ text: 'for ana' });
    expect(a2.body).toBe(a1.body);
    expect(a1.headers.destination).toBe('/user/queue/messages');
    expect(b.body).toBe('for bob');
    await bob.sendConfirmed('/topic/flush', 'x');
    expect(inboxes[0].messages).toHaveLength(1);
    expect(inboxes[2].messages).toHaveLength(1);
    expect(snoop.messages).toHaveLength(0);

    const onlyOne = await template.convertAndSendToSession(ana1.connected.headers.session, '/queue/messages', 'one');
    expect(onlyOne).toBe(1);
    await Promise.all([ana1, ana2, bob].map((c) => c.disconnect()));
  });

  it('refuses a client SEND to a user destination and a pattern user subscription', async () => {
    const eve = await connectWebSocket(running.baseUrl, '/stomp', { connectHeaders: { login: 'eve' } });
    eve.client.publish({ destination: '/user/ana/queue/messages', body: 'spoof' });
    await eve.closed;
    expect(eve.errors[0]?.headers.message).toMatch(/cannot send to user destinations/);
    const mallory = await connectWebSocket(running.baseUrl, '/stomp', { connectHeaders: { login: 'mallory' } });
    mallory.subscribe('/user/queue/*');
    await mallory.closed;
    expect(mallory.errors[0]?.headers.message).toMatch(/Invalid user destination/);
  });

  it('refuses a CONNECT when authenticate returns no principal', async () => {
    await expect(connectWebSocket(running.baseUrl, '/stomp', { connectHeaders: {} })).rejects.toThrow(/Authentication failed/);
  });
});
