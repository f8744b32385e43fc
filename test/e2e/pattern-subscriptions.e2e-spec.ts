import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { startApp, TEST_OPTIONS, type RunningApp } from '../fixtures/stomp-app.fixture.js';
import { RawStompClient } from '../fixtures/raw-stomp.fixture.js';

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
