import { afterAll, afterEach, beforeAll, describe, expect, it } from '@jest/globals';
import { as } from '../fixtures/handlers.fixture.js';
import { startSample, type RunningSample } from '../fixtures/sample-app.fixture.js';
import { connectSockJs, connectWebSocket, type TestClient } from '../fixtures/stomp-clients.fixture.js';

const json = { 'content-type': 'application/json' };

describe('sample app over STOMP: the original handlers, rooms, private messages, login', () => {
  let running: RunningSample;
  const clients: TestClient[] = [];
  const connect = async (name: string, transport: 'websocket' | 'xhr-streaming' = 'websocket') => {
    const client = await connectSockJs(running.baseUrl, transport, '/block', as(name));
    clients.push(client);
    return client;
  };

  beforeAll(async () => {
    running = await startSample();
  });
  // A name is held by one session at a time: each test lets go of its own before the next logs in again.
  afterEach(async () => {
    await Promise.all(clients.splice(0).map((c) => c.disconnect()));
  });
  afterAll(async () => {
    await running.close();
  });

  it('/dap/hello broadcasts the MessageVO to /topic/roomId; /dap/in and /dap/out echo to /topic/in and /topic/out', async () => {
    const [sender, watcher] = [await connect('kim', 'xhr-streaming'), await connect('lee')];
    const [room, inbox, outbox] = await Promise.all(['/topic/roomId', '/topic/in', '/topic/out'].map((d) => watcher.subscribeConfirmed(d)));
    await sender.sendConfirmed('/dap/hello', JSON.stringify({ roomId: 'lobby', sender: 'kim', sendMessage: 'hi all' }), json);
    await sender.sendConfirmed('/dap/in', 'kim entered');
    await sender.sendConfirmed('/dap/out', 'kim left');
    expect(JSON.parse((await room.waitFor(1))[0].body)).toEqual({ roomId: 'lobby', sender: 'kim', sendMessage: 'hi all' });
    expect((await inbox.waitFor(1))[0].body).toBe('kim entered');
    expect((await outbox.waitFor(1))[0].body).toBe('kim left');
  });

  it("/dap/hello ignores unknown MessageVO properties as Spring Boot's Jackson does, and still checks the known ones", async () => {
    const [kim, lee] = [await connect('kim'), await connect('lee')];
    const errors = await kim.subscribeConfirmed('/user/queue/errors');
    const room = await lee.subscribeConfirmed('/topic/roomId');
    await kim.sendConfirmed(
      '/dap/hello',
      JSON.stringify({ sender: 'kim', sendMessage: 'from the 2018 page', regDate: '2018-07-01', extra: { a: 1 } }),
      json,
    );
    expect(JSON.parse((await room.waitFor(1))[0].body)).toEqual({ sender: 'kim', sendMessage: 'from the 2018 page' });
    await kim.sendConfirmed('/dap/hello', JSON.stringify({ sender: '', sendMessage: '   ', extra: 1 }), json);
    const [report] = await errors.waitFor(1);
    expect(JSON.parse(report.body).message).toBe('sender must be longer than or equal to 1 characters; sendMessage must not be blank');
  });

  it('the new chat DTOs stay strict: an unknown property is refused and reported to the sender only', async () => {
    const kim = await connect('kim');
    const errors = await kim.subscribeConfirmed('/user/queue/errors');
    await kim.sendConfirmed('/dap/rooms/strict/join', '{}', json);
    await kim.sendConfirmed('/dap/rooms/strict/send', JSON.stringify({ sendMessage: 'hi', sender: 'someone-else' }), json);
    await kim.sendConfirmed('/dap/private', JSON.stringify({ to: 'kim', sendMessage: 'hi', from: 'x' }), json);
    const [room, direct] = (await errors.waitFor(2)).map((m) => JSON.parse(m.body));
    expect(room).toMatchObject({ message: 'property sender should not exist', destination: '/dap/rooms/strict/send' });
    expect(direct).toMatchObject({ message: 'property from should not exist', destination: '/dap/private' });
  });

  it('rooms: join notice with members, messages from members only, a snapshot for late subscribers', async () => {
    const [kim, lee] = [await connect('kim'), await connect('lee')];
    const errors = await kim.subscribeConfirmed('/user/queue/errors');
    const topic = await lee.subscribeConfirmed('/topic/rooms/dev');
    await kim.sendConfirmed('/dap/rooms/dev/send', JSON.stringify({ sendMessage: 'too early' }), json);
    expect(JSON.parse((await errors.waitFor(1))[0].body).message).toBe("Join room 'dev' before sending to it");
    await kim.sendConfirmed('/dap/rooms/dev/join', '{}', json);
    await kim.sendConfirmed('/dap/rooms/dev/send', JSON.stringify({ sendMessage: 'hello dev' }), json);
    const [join, message] = (await topic.waitFor(2)).map((m) => JSON.parse(m.body));
    expect(join).toMatchObject({ kind: 'join', roomId: 'dev', sender: 'kim', members: ['kim'] });
    expect(message).toMatchObject({ kind: 'message', roomId: 'dev', sender: 'kim', sendMessage: 'hello dev' });
    expect(message.id).toBeGreaterThan(join.id);

    const snapshot = await lee.subscribeConfirmed('/dap/rooms/dev');
    const [answer] = await snapshot.waitFor(1);
    expect(JSON.parse(answer.body)).toMatchObject({
      roomId: 'dev',
      members: ['kim'],
      history: [{ kind: 'join' }, { sendMessage: 'hello dev' }],
    });

    await kim.sendConfirmed('/dap/rooms/Not_A_Room/join', '{}', json);
    expect(JSON.parse((await errors.waitFor(2))[1].body).message).toBe('roomId must be 1 to 24 lowercase letters, digits or dashes');
  });

  it('a private message to someone offline is refused with a clear message', async () => {
    const kim = await connect('kim');
    const errors = await kim.subscribeConfirmed('/user/queue/errors');
    await kim.sendConfirmed('/dap/private', JSON.stringify({ to: 'nobody-here', sendMessage: 'hello?' }), json);
    expect(JSON.parse((await errors.waitFor(1))[0].body).message).toBe('nobody-here is not online');
  });

  it.each([
    ['an empty name', ''],
    ['a blank name', '   '],
    ['a 33-character name', 'n'.repeat(33)],
  ])('refuses %s at CONNECT with "Name must be 1 to 32 characters"', async (_label, name) => {
    await expect(connectWebSocket(running.baseUrl, '/block', as(name))).rejects.toThrow('ERROR: Name must be 1 to 32 characters');
  });

  it('accepts a 32-character name, trimmed, as the user name', async () => {
    const client = await connectWebSocket(running.baseUrl, '/block', as(`  ${'n'.repeat(32)}  `));
    clients.push(client);
    expect(client.connected.headers['user-name']).toBe('n'.repeat(32));
  });

  it('refuses a name already online with "Name already in use", and gives it to the next one once its session ends', async () => {
    const first = await connect('taken', 'xhr-streaming');
    await expect(connectWebSocket(running.baseUrl, '/block', as('taken'))).rejects.toThrow('ERROR: Name already in use');
    // Same name after trimming: the same user.
    await expect(connectSockJs(running.baseUrl, 'websocket', '/block', as('  taken '))).rejects.toThrow('ERROR: Name already in use');
    // Guests share no name: any number of them.
    const guests = await Promise.all([connectWebSocket(running.baseUrl, '/block'), connectWebSocket(running.baseUrl, '/block')]);
    clients.push(...guests);
    await first.disconnect();
    clients.push(await connectWebSocket(running.baseUrl, '/block', as('taken')));
  });

  it('two CONNECTs with one name at the same moment: exactly one gets it', async () => {
    const results = await Promise.allSettled([1, 2, 3].map(() => connectWebSocket(running.baseUrl, '/block', as('racer'))));
    const won = results.filter((r): r is PromiseFulfilledResult<TestClient> => r.status === 'fulfilled');
    clients.push(...won.map((r) => r.value));
    expect(won).toHaveLength(1);
    expect(results.filter((r) => r.status === 'rejected').map((r) => String((r as PromiseRejectedResult).reason))).toEqual([
      'Error: ERROR: Name already in use',
      'Error: ERROR: Name already in use',
    ]);
  });

  it("a private message reaches the one session holding the recipient's name", async () => {
    const [kim, lee] = [await connect('dm-kim'), await connect('dm-lee')];
    const inbox = await lee.subscribeConfirmed('/user/queue/messages');
    await expect(connectWebSocket(running.baseUrl, '/block', as('dm-lee'))).rejects.toThrow('ERROR: Name already in use');
    await kim.sendConfirmed('/dap/private', JSON.stringify({ to: 'dm-lee', sendMessage: 'for lee only' }), json);
    expect(JSON.parse((await inbox.waitFor(1))[0].body)).toMatchObject({ sender: 'dm-kim', to: 'dm-lee', sendMessage: 'for lee only' });
  });
});
