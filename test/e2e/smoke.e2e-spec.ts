import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { startApp, type RunningApp } from '../fixtures/stomp-app.fixture.js';
import { connectSockJs, connectWebSocket } from '../fixtures/stomp-clients.fixture.js';

describe('smoke', () => {
  let running: RunningApp;
  beforeAll(async () => (running = await startApp()));
  afterAll(async () => running.close());

  it('delivers a SEND to a subscriber over websocket and sockjs', async () => {
    const a = await connectWebSocket(running.baseUrl);
    const b = await connectSockJs(running.baseUrl, 'xhr-streaming');
    expect(b.transport()).toBe('xhr-streaming');
    const inbox = await b.subscribeConfirmed('/topic/x');
    await a.sendConfirmed('/topic/x', 'hello', { 'x-custom': 'v' });
    const [m] = await inbox.waitFor(1);
    expect(m.body).toBe('hello');
    expect(m.headers['x-custom']).toBe('v');
    await a.disconnect();
    await b.disconnect();
  });
});
