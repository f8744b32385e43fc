import { afterEach, describe, expect, it } from '@jest/globals';
import { OutboundPath } from '../../../../lib/engine/outbound/outbound.path.js';
import type { ClientError } from '../../../../lib/engine/outbound/error.frame.js';
import type { BrokerMessage } from '../../../../lib/interfaces/message-broker.interface.js';
import { EngineHarness, RecordingApplication, settle } from '../../../fixtures/engine.fixture.js';

let engine: EngineHarness;

afterEach(() => engine.stop());

function start(options = {}): EngineHarness {
  engine = new EngineHarness({ appPrefix: '/app', brokerPrefixes: ['/topic'], ...options }, new RecordingApplication());
  return engine;
}

const REFUSAL: ClientError = { code: 'FORBIDDEN_DESTINATION', message: 'Access denied', reason: 'protocol-error', receiptId: 'r9' };

describe('ErrorPolicy.report', () => {
  it('reports to the error destination when the sender listens there; the session goes on', async () => {
    const { connection, session } = await start().connect();
    connection.receiveFrame('SUBSCRIBE', { id: 'errors', destination: '/user/queue/errors' });
    await settle();
    engine.core.outbound.errors.report(session, REFUSAL, { message: 'Access denied', destination: '/topic/secret', receipt: 'r9' });
    const report = connection.last('MESSAGE')!;
    expect(report.headers).toMatchObject({ subscription: 'errors', destination: '/user/queue/errors', 'content-type': 'application/json' });
    expect(JSON.parse(report.body)).toEqual({ message: 'Access denied', destination: '/topic/secret', receipt: 'r9' });
    expect(connection.last('ERROR')).toBeUndefined();
    expect(session.isConnected).toBe(true);
  });

  it('reports only to the sender, not to the other sessions of the same user listening there', async () => {
    start({ authenticate: () => ({ name: 'alice' }) });
    const sender = await engine.connect();
    const other = await engine.connect();
    for (const { connection } of [sender, other]) connection.receiveFrame('SUBSCRIBE', { id: 'errors', destination: '/user/queue/errors' });
    await settle();
    engine.core.outbound.errors.report(sender.session, REFUSAL, { message: 'Access denied', destination: '/topic/secret' });
    expect(sender.connection.last('MESSAGE')).toBeDefined();
    expect(other.connection.last('MESSAGE')).toBeUndefined();
  });

  it('sends ERROR with its code and closes when the sender does not listen on the error destination', async () => {
    start();
    const events: unknown[] = [];
    engine.core.events.on('disconnect').subscribe((e) => events.push(e));
    const { connection, session } = await engine.connect();
    engine.core.outbound.errors.report(session, REFUSAL, { message: 'Access denied', destination: '/topic/secret' });
    expect(connection.last('ERROR')!.headers).toMatchObject({
      code: 'FORBIDDEN_DESTINATION',
      message: 'Access denied',
      'receipt-id': 'r9',
    });
    expect(connection.closedWith?.code).toBe(1002);
    expect(session.isClosed).toBe(true);
    expect(events).toEqual([expect.objectContaining({ reason: 'protocol-error', code: 'FORBIDDEN_DESTINATION' })]);
  });

  it('routes a denied SEND under authorizationFailure "report" the same way, end to end through the router', async () => {
    start({ authorizationFailure: 'report', authorization: [{ destination: '/topic/secret', send: false }] });
    const listening = await engine.connect();
    listening.connection.receiveFrame('SUBSCRIBE', { id: 'errors', destination: '/user/queue/errors' });
    const deaf = await engine.connect();
    for (const { connection } of [listening, deaf]) connection.receiveFrame('SEND', { destination: '/topic/secret', receipt: 'r1' }, 'x');
    await settle();
    expect(JSON.parse(listening.connection.last('MESSAGE')!.body)).toEqual({
      message: "Access denied: SEND to '/topic/secret'",
      destination: '/topic/secret',
      receipt: 'r1',
    });
    expect(listening.session.isConnected).toBe(true);
    expect(deaf.connection.last('ERROR')!.headers).toMatchObject({ code: 'FORBIDDEN_DESTINATION', 'receipt-id': 'r1' });
    expect(deaf.session.isClosed).toBe(true);
  });
});

describe('OutboundPath.toSubscription', () => {
  it('sends one MESSAGE on that subscription only while it exists', async () => {
    const { connection, session } = await start().connect();
    connection.receiveFrame('SUBSCRIBE', { id: 's1', destination: '/app/snapshot' });
    await settle();
    engine.core.outbound.toSubscription(session, 's1', '/app/snapshot', { 'content-type': 'text/plain' }, Buffer.from('first'));
    connection.receiveFrame('UNSUBSCRIBE', { id: 's1' });
    await settle();
    // An asynchronous reply that arrives after the client's UNSUBSCRIBE.
    engine.core.outbound.toSubscription(session, 's1', '/app/snapshot', {}, Buffer.from('late'));
    const messages = connection.frames.filter((f) => f.command === 'MESSAGE');
    expect(messages.map((m) => m.body)).toEqual(['first']);
    expect(messages[0].headers).toMatchObject({ subscription: 's1', destination: '/app/snapshot' });
    expect(messages[0].headers['message-id']).toMatch(new RegExp(`^${session.id}-reply-\\d+$`));
  });
});

describe('OutboundPath.shutdown', () => {
  it('sends SERVER_SHUTDOWN to connected sessions only and closes every transport with 1001', async () => {
    start();
    const connected = await engine.connect();
    const waiting = engine.open();
    engine.core.outbound.shutdown([connected.session, waiting.session]);
    expect(connected.connection.commands()).toEqual(['CONNECTED', 'ERROR']);
    expect(connected.connection.last('ERROR')!.headers).toMatchObject({ code: 'SERVER_SHUTDOWN', message: 'Server shutting down' });
    expect(waiting.connection.commands()).toEqual([]);
    for (const { connection, session } of [connected, waiting]) {
      expect(connection.closedWith).toEqual({ code: 1001, reason: 'Server shutting down' });
      expect(session.isClosed).toBe(true);
    }
    expect(engine.core.registry.counters.sessionsClosed.shutdown).toBe(2);
  });
});

describe('OutboundPath.publish', () => {
  it('passes a claimed destination through its stage, which decides what reaches the broker', async () => {
    start();
    const subscriber = await engine.connect();
    subscriber.connection.receiveFrame('SUBSCRIBE', { id: 's1', destination: '/topic/**' });
    await settle();
    const seen: string[] = [];
    const stage = {
      claims: (destination: string) => destination.startsWith('/topic/conflated'),
      publish: (message: BrokerMessage, next: (m: BrokerMessage) => number | Promise<number>) => {
        seen.push(message.destination);
        return next({ ...message, body: Buffer.from(`staged ${message.body.toString()}`) });
      },
    };
    const { broker, users, directory, options } = engine.core;
    const path = new OutboundPath(broker, users, directory, options.errorDestination, [stage]);
    path.publish({ destination: '/topic/conflated/a', headers: {}, body: Buffer.from('one') });
    path.publish({ destination: '/topic/plain', headers: {}, body: Buffer.from('two') });
    expect(seen).toEqual(['/topic/conflated/a']);
    expect(subscriber.connection.frames.filter((f) => f.command === 'MESSAGE').map((m) => m.body)).toEqual(['staged one', 'two']);
  });
});
