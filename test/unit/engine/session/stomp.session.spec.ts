import { afterEach, describe, expect, it } from '@jest/globals';
import { StompProtocolError } from '../../../../lib/engine/errors/protocol.error.js';
import { HeartbeatWheel } from '../../../../lib/engine/session/heartbeat.wheel.js';
import type { SessionLimits, SessionRouter } from '../../../../lib/engine/session/session.types.js';
import { StompCounters } from '../../../../lib/engine/session/stomp.counters.js';
import { StompSession } from '../../../../lib/engine/session/stomp.session.js';
import type { StompFrame } from '../../../../lib/interfaces/stomp-frame.interface.js';
import type { StompPrincipal } from '../../../../lib/interfaces/stomp-principal.interface.js';
import type { SessionEnding } from '../../../../lib/interfaces/stomp-session.interface.js';
import { FakeConnection } from '../../../fixtures/fake-connection.fixture.js';
import { settle, TEST_SESSION_LIMITS as LIMITS } from '../../../fixtures/engine.fixture.js';

/** The session's whole view of the server, recorded; `slowSends` makes each SEND wait for `release()`. */
class RecordingRouter implements SessionRouter<StompSession> {
  readonly calls: string[] = [];
  readonly endings: SessionEnding[] = [];
  principal: StompPrincipal | undefined;
  slowSends = false;
  private pending: Array<() => void> = [];

  authenticate(): StompPrincipal | undefined {
    this.calls.push('authenticate');
    return this.principal;
  }
  connected(): void {
    this.calls.push('connected');
  }
  send(_session: StompSession, frame: StompFrame): void | Promise<void> {
    const body = frame.body.toString('utf8');
    if (!this.slowSends) {
      this.calls.push(`send ${body}`);
      return;
    }
    this.calls.push(`send ${body} started`);
    return new Promise((resolve) =>
      this.pending.push(() => {
        this.calls.push(`send ${body} done`);
        resolve();
      }),
    );
  }
  subscribe(_session: StompSession, id: string, destination: string): void {
    this.calls.push(`subscribe ${id} ${destination}`);
  }
  unsubscribe(_session: StompSession, id: string): void {
    this.calls.push(`unsubscribe ${id}`);
  }
  ack(): void {}
  closed(_session: StompSession, ending: SessionEnding): void {
    this.endings.push(ending);
  }
  refused(_session: StompSession, _frame: StompFrame, error: StompProtocolError): void {
    this.calls.push(`refused ${error.code}`);
  }
  internalError(): void {
    this.calls.push('internalError');
  }

  /** Lets the oldest waiting SEND finish. */
  release(): void {
    this.pending.shift()?.();
  }

  get waiting(): number {
    return this.pending.length;
  }
}

const wheels: HeartbeatWheel[] = [];
const sessions: StompSession[] = [];

function open(limits: Partial<SessionLimits> = {}) {
  const connection = new FakeConnection();
  const router = new RecordingRouter();
  const wheel = new HeartbeatWheel();
  const counters = new StompCounters();
  const session = new StompSession(connection, router, { ...LIMITS, ...limits }, counters, wheel);
  wheels.push(wheel);
  sessions.push(session);
  return { connection, router, session, counters };
}

function connected(headers: Record<string, string> = { 'accept-version': '1.2' }) {
  const opened = open();
  opened.connection.receiveFrame('CONNECT', headers);
  return opened;
}

afterEach(() => {
  for (const session of sessions.splice(0)) session.close('shutdown');
  for (const wheel of wheels.splice(0)) wheel.stop();
});

describe('StompSession: CONNECT', () => {
  it('answers CONNECT with CONNECTED: highest common version, offered heart-beat, the connection id as session', () => {
    const { connection, router, session } = connected({ 'accept-version': '1.0,1.1,1.2', 'heart-beat': '0,0' });
    expect(connection.commands()).toEqual(['CONNECTED']);
    const headers = connection.frames[0].headers;
    expect(headers.version).toBe('1.2');
    expect(headers.session).toBe(connection.id);
    // A side the client turns off keeps the configured value in the offer.
    expect(headers['heart-beat']).toBe('10000,10000');
    expect(headers['user-name']).toBeUndefined();
    expect(router.calls).toEqual(['authenticate', 'connected']);
    expect(session.isConnected).toBe(true);
  });

  it('accepts STOMP as CONNECT and negotiates down to what the client speaks', () => {
    const { connection } = open();
    connection.receiveFrame('STOMP', { 'accept-version': '1.1', host: 'localhost' });
    expect(connection.frames[0].command).toBe('CONNECTED');
    expect(connection.frames[0].headers.version).toBe('1.1');
  });

  it('treats a CONNECT without accept-version as STOMP 1.0', () => {
    const { connection, session } = connected({});
    expect(connection.frames[0].headers.version).toBe('1.0');
    expect(session.version).toBe('1.0');
  });

  it('lowers its heart-beat offer towards what the client asks, never below the floor', () => {
    expect(connected({ 'accept-version': '1.2', 'heart-beat': '2000,3000' }).connection.frames[0].headers['heart-beat']).toBe('3000,2000');
    expect(connected({ 'accept-version': '1.2', 'heart-beat': '10,10' }).connection.frames[0].headers['heart-beat']).toBe('1000,1000');
  });

  it('names the authenticated user in CONNECTED', () => {
    const { connection, router } = open();
    router.principal = { name: 'alice' };
    connection.receiveFrame('CONNECT', { 'accept-version': '1.2' });
    expect(connection.frames[0].headers['user-name']).toBe('alice');
  });

  it('refuses a version it does not speak with UNSUPPORTED_VERSION and the versions it does', () => {
    const { connection, router } = open();
    connection.receiveFrame('CONNECT', { 'accept-version': '2.0' });
    const error = connection.last('ERROR')!;
    expect(error.headers.code).toBe('UNSUPPORTED_VERSION');
    expect(error.headers.version).toBe('1.0,1.1,1.2');
    expect(router.endings).toEqual([{ reason: 'protocol-error', code: 'UNSUPPORTED_VERSION' }]);
    expect(connection.closedWith?.code).toBe(1002);
  });

  it('answers a frame before CONNECT with ERROR code NOT_CONNECTED and closes', () => {
    const { connection, router, session } = open();
    connection.receiveFrame('SEND', { destination: '/topic/a', receipt: 'r1' }, 'early');
    expect(connection.commands()).toEqual(['ERROR']);
    const error = connection.frames[0];
    expect(error.headers.code).toBe('NOT_CONNECTED');
    expect(error.headers.message).toBe('Send CONNECT first (got SEND)');
    // The failed frame's receipt is echoed so the client can match the ERROR to it.
    expect(error.headers['receipt-id']).toBe('r1');
    expect(router.calls).toEqual([]);
    expect(router.endings).toEqual([{ reason: 'protocol-error', code: 'NOT_CONNECTED' }]);
    expect(session.isClosed).toBe(true);
    expect(connection.closedWith).toEqual({ code: 1002, reason: 'Session closed' });
  });

  it('answers a second CONNECT with ALREADY_CONNECTED', () => {
    const { connection, router } = connected();
    connection.receiveFrame('CONNECT', { 'accept-version': '1.2' });
    expect(connection.commands()).toEqual(['CONNECTED', 'ERROR']);
    expect(connection.frames[1].headers.code).toBe('ALREADY_CONNECTED');
    expect(router.endings).toEqual([{ reason: 'protocol-error', code: 'ALREADY_CONNECTED' }]);
  });

  it('ends a session that sends no CONNECT within connectTimeout with CONNECT_TIMEOUT', async () => {
    const { connection, router, counters } = open({ connectTimeout: 20 });
    await new Promise((resolve) => setTimeout(resolve, 60));
    expect(connection.commands()).toEqual(['ERROR']);
    expect(connection.frames[0].headers.code).toBe('CONNECT_TIMEOUT');
    expect(router.endings).toEqual([{ reason: 'connect-timeout', code: 'CONNECT_TIMEOUT' }]);
    expect(counters.sessionsClosed['connect-timeout']).toBe(1);
  });

  it('stops the connect timer once CONNECT arrives', async () => {
    const { connection, router } = open({ connectTimeout: 20 });
    connection.receiveFrame('CONNECT', { 'accept-version': '1.2', 'heart-beat': '0,0' });
    await new Promise((resolve) => setTimeout(resolve, 60));
    expect(connection.commands()).toEqual(['CONNECTED']);
    expect(router.endings).toEqual([]);
  });
});

describe('StompSession: after CONNECT', () => {
  it('sends RECEIPT once the router has taken the frame, for SEND, SUBSCRIBE and UNSUBSCRIBE', () => {
    const { connection, router } = connected();
    connection.receiveFrame('SUBSCRIBE', { id: 's1', destination: '/topic/a', receipt: 'r-sub' });
    connection.receiveFrame('SEND', { destination: '/topic/a', receipt: 'r-send' }, 'hello');
    connection.receiveFrame('UNSUBSCRIBE', { id: 's1', receipt: 'r-unsub' });
    expect(router.calls.slice(2)).toEqual(['subscribe s1 /topic/a', 'send hello', 'unsubscribe s1']);
    expect(connection.frames.slice(1).map((f) => `${f.command} ${f.headers['receipt-id']}`)).toEqual([
      'RECEIPT r-sub',
      'RECEIPT r-send',
      'RECEIPT r-unsub',
    ]);
  });

  it('sends no RECEIPT for a SEND the router refused; a fatal refusal ends the session with its code', () => {
    const { connection, router, session } = connected();
    router.send = () => {
      throw new StompProtocolError('UNKNOWN_DESTINATION', 'Unknown destination');
    };
    connection.receiveFrame('SEND', { destination: '/nowhere', receipt: 'r1' }, 'x');
    expect(connection.commands()).toEqual(['CONNECTED', 'ERROR']);
    expect(connection.frames[1].headers).toMatchObject({ code: 'UNKNOWN_DESTINATION', 'receipt-id': 'r1' });
    expect(router.endings).toEqual([{ reason: 'protocol-error', code: 'UNKNOWN_DESTINATION' }]);
    expect(session.isClosed).toBe(true);
  });

  it('hands a refusal that is not fatal to the router and goes on, without a RECEIPT', () => {
    const { connection, router, session } = connected();
    router.send = () => {
      throw new StompProtocolError('FORBIDDEN_DESTINATION', 'Access denied', {}, false);
    };
    connection.receiveFrame('SEND', { destination: '/topic/secret', receipt: 'r1' }, 'x');
    expect(router.calls.at(-1)).toBe('refused FORBIDDEN_DESTINATION');
    expect(connection.commands()).toEqual(['CONNECTED']);
    expect(session.isConnected).toBe(true);
  });

  it('reports an unexpected router error only as INTERNAL_ERROR "Internal error"', () => {
    const { connection, router } = connected();
    router.send = () => {
      throw new Error('database password is hunter2');
    };
    connection.receiveFrame('SEND', { destination: '/topic/a' }, 'x');
    expect(router.calls.at(-1)).toBe('internalError');
    expect(connection.last('ERROR')!.headers).toMatchObject({ code: 'INTERNAL_ERROR', message: 'Internal error' });
    expect(router.endings).toEqual([{ reason: 'internal-error', code: 'INTERNAL_ERROR' }]);
  });

  it('answers DISCONNECT with its RECEIPT, then closes normally', () => {
    const { connection, router, session, counters } = connected();
    connection.receiveFrame('DISCONNECT', { receipt: 'bye' });
    expect(connection.commands()).toEqual(['CONNECTED', 'RECEIPT']);
    expect(connection.frames[1].headers['receipt-id']).toBe('bye');
    expect(connection.closedWith).toEqual({ code: 1000, reason: 'Session closed' });
    expect(router.endings).toEqual([{ reason: 'client-disconnect', code: undefined }]);
    expect(session.isClosed).toBe(true);
    expect(counters.sessionsClosed['client-disconnect']).toBe(1);
  });

  it('tells the router once when the client drops the transport, and writes nothing after', () => {
    const { connection, router, session } = connected();
    connection.dropByClient();
    connection.dropByClient();
    session.sendFrame('MESSAGE', { destination: '/topic/a' }, 'late');
    expect(router.endings).toEqual([{ reason: 'transport-closed', code: undefined }]);
    expect(connection.commands()).toEqual(['CONNECTED']);
  });

  it('keeps arrival order behind an asynchronous router: each frame waits for the one before', async () => {
    const { connection, router } = connected();
    router.slowSends = true;
    // All three arrive in one chunk, as a busy client's frames do.
    connection.receive(
      ['one', 'two'].map((body, i) => `SEND\ndestination:/topic/a\nreceipt:r${i + 1}\n\n${body}\u0000`).join('') +
        'SUBSCRIBE\nid:s1\ndestination:/topic/a\nreceipt:r3\n\n\u0000',
    );
    expect(router.calls.slice(2)).toEqual(['send one started']);
    expect(router.waiting).toBe(1);

    router.release();
    await settle();
    expect(router.calls.slice(2)).toEqual(['send one started', 'send one done', 'send two started']);
    expect(connection.frames.slice(1).map((f) => f.headers['receipt-id'])).toEqual(['r1']);

    router.release();
    await settle();
    expect(router.calls.slice(2)).toEqual([
      'send one started',
      'send one done',
      'send two started',
      'send two done',
      'subscribe s1 /topic/a',
    ]);
    expect(connection.frames.slice(1).map((f) => `${f.command} ${f.headers['receipt-id']}`)).toEqual([
      'RECEIPT r1',
      'RECEIPT r2',
      'RECEIPT r3',
    ]);
  });

  it('forgets a subscription the router refused, so its id can be used again', () => {
    const { connection, router, session } = connected();
    router.subscribe = () => {
      throw new StompProtocolError('FORBIDDEN_DESTINATION', 'Access denied', {}, false);
    };
    connection.receiveFrame('SUBSCRIBE', { id: 's1', destination: '/topic/secret' });
    expect(session.subscriptions.has('s1')).toBe(false);
    expect(router.calls.at(-1)).toBe('refused FORBIDDEN_DESTINATION');
  });

  it('refuses a second SUBSCRIBE with an id in use: DUPLICATE_SUBSCRIPTION', () => {
    const { connection } = connected();
    connection.receiveFrame('SUBSCRIBE', { id: 's1', destination: '/topic/a' });
    connection.receiveFrame('SUBSCRIBE', { id: 's1', destination: '/topic/b' });
    expect(connection.last('ERROR')!.headers.code).toBe('DUPLICATE_SUBSCRIPTION');
  });

  it('every ERROR carries a code, also for a malformed frame', () => {
    const { connection, router } = connected();
    connection.receive('SEND\ndestination:/topic/a\ncontent-length:5\n\nhello world\u0000');
    const error = connection.last('ERROR')!;
    expect(error.headers.code).toEqual(expect.any(String));
    expect(error.headers.code).not.toBe('');
    expect(router.endings).toEqual([{ reason: 'protocol-error', code: error.headers.code }]);
  });
});
