import { afterAll, beforeAll, describe, expect, it, jest } from '@jest/globals';
import type { IMessage } from '@stomp/stompjs';
import { randomBytes } from 'node:crypto';
import { resumableSubscriptions, type ResumableClient, type StreamGap } from '../../lib/client/index.js';
import { sessionIdFor, clusterLogs, startCluster, stopClusterNode, waitUntil, type ClusterNode } from '../fixtures/cluster.fixture.js';
import type { RunningNginx } from '../fixtures/nginx.fixture.js';
import { addRabbitVhost, deleteRabbitVhost, requireRabbitMqStomp } from '../fixtures/rabbitmq.fixture.js';
import { connectSockJs, type ClientOptions, type SockJsTransport, type TestClient } from '../fixtures/stomp-clients.fixture.js';

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

const ENDPOINT = '/block';
const RUN = randomBytes(3).toString('hex');
const ROOM = `failover${RUN}`;
const QUEUE = `/queue/cluster${RUN}`;
/**
 * The cluster's own virtual host: cluster.e2e-spec.ts may run beside it (jest's parallel workers), and the two
 * would otherwise elect one chain leader between them and share the dashboard topics.
 */
const VHOST = `nestjs-stomp-failover-${RUN}`;
const NODE_ENV = {
  STOMP_RELAY_VHOST: VHOST,
  STOMP_RELAY_RECONNECT_DELAY_MS: '200',
  STOMP_BROKER_PREFIXES: '/topic/,/queue/',
  STOMP_QUEUES: '/queue/**',
  // The victim notices its dead node by missing heart-beats: sockjs-client in Node never hears of an xhr-streaming
  // response that nginx cut short (browsers do), so without them it would wait on a connection to nobody.
  STOMP_HEARTBEAT_SEND_MS: '1000',
};

jest.setTimeout(60_000);

describe('the cluster when a client node dies, and a queue shared by nodes', () => {
  const nodes: ClusterNode[] = [];
  let nginx: RunningNginx;
  const clients: TestClient[] = [];

  /** @stomp/stompjs over sockjs-client through nginx, first on `node` (chosen through the SockJS session id). */
  const clientOn = async (node: ClusterNode, transport: SockJsTransport, login: string, options: ClientOptions = {}) => {
    const sockJsSessionId = await sessionIdFor(nginx.baseUrl, ENDPOINT, node.port);
    const client = await connectSockJs(nginx.baseUrl, transport, ENDPOINT, { connectHeaders: { login }, sockJsSessionId, ...options });
    clients.push(client);
    return client;
  };
  const logs = (): string => clusterLogs(nodes);

  beforeAll(async () => {
    await requireRabbitMqStomp();
    await addRabbitVhost(VHOST);
    nginx = await startCluster(nodes, NODE_ENV);
  }, 60_000);

  afterAll(async () => {
    await Promise.all(clients.map((client) => client.disconnect().catch(() => undefined)));
    await Promise.all(nodes.map(stopClusterNode));
    await nginx?.stop();
    // With the queue (`queue.cluster<run>`), the room's and the dashboard's streams and the leader queue in it.
    await deleteRabbitVhost(VHOST);
  });

  it("kill -9 of a client's node: it resumes on another node through nginx with every room message once, in order", async () => {
    // The victim's node is not the leader, so the chain's hand-over is not part of what this shows.
    const [victimNode, publisherNode] = nodes.filter((node) => !node.leading());
    const witnessNode = nodes.find((node) => node.leading())!;
    const victim = await clientOn(victimNode, 'xhr-streaming', `vic${RUN}`, { reconnectDelay: 200, heartbeat: [0, 1000] });
    const witness = await clientOn(witnessNode, 'xhr-streaming', `wit${RUN}`);
    const publisher = await clientOn(publisherNode, 'websocket', `pub${RUN}`);
    let victimConnects = 0;
    const gaps: StreamGap[] = [];
    // The helper as a page uses it, receipts included: through the relay a resume's RECEIPT can come before RabbitMQ
    // replays the message it confirms (it reported a gap and handed that message on twice before receiptGraceMs).
    const resumable = resumableSubscriptions(victim.client as unknown as ResumableClient, { onGap: (gap) => gaps.push(gap) });
    victim.client.onConnect = () => {
      victimConnects++;
    };
    const seen: IMessage[] = [];
    // The room is this run's: 'first' is its whole stream, offset 0 onwards.
    resumable.subscribe<IMessage>(`/topic/rooms/${ROOM}`, (m) => seen.push(m), { 'x-stream-offset': 'first' });
    const live = await witness.subscribeConfirmed(`/topic/rooms/${ROOM}`, { 'x-stream-offset': 'first' });
    await publisher.sendConfirmed(`/dap/rooms/${ROOM}/join`, '');

    let sent = 0;
    let publishing = true;
    const feed = (async () => {
      while (publishing) {
        await publisher.sendConfirmed(`/dap/rooms/${ROOM}/send`, JSON.stringify({ sendMessage: `m${sent}` }));
        sent++;
        await sleep(50);
      }
    })();
    try {
      await waitUntil(
        () => seen.length >= 10,
        10_000,
        () => `victim got ${seen.length} before the kill:\n${logs()}`,
      );
      victimNode.child.kill('SIGKILL');
      await victimNode.exited;
      const killedAt = sent;
      // Its SockJS session is gone with the node: stompjs reconnects, and nginx sends the same session id elsewhere.
      await waitUntil(
        () => victimConnects >= 1,
        20_000,
        () => `the victim never reconnected (state ${victim.client.state}, ${seen.length} messages):\n${logs()}`,
      );
      expect(sent).toBeGreaterThan(killedAt); // published while it was away
      const back = sent;
      await waitUntil(() => sent >= back + 10, 10_000, 'the publisher stopped');
    } finally {
      publishing = false;
      await feed;
    }
    const expected = ['join', ...Array.from({ length: sent }, (_, i) => `m${i}`)];
    const what = (m: IMessage): string => {
      const event = JSON.parse(m.body) as { kind: string; sendMessage?: string };
      return event.kind === 'message' ? event.sendMessage! : event.kind;
    };
    await waitUntil(
      () => seen.length >= expected.length,
      10_000,
      () => `victim has ${seen.length}/${expected.length} after ${victimConnects} reconnects, gaps ${JSON.stringify(gaps)}:\n${logs()}`,
    );
    await waitUntil(
      () => live.messages.length >= expected.length,
      10_000,
      () => `witness has ${live.messages.length}/${expected.length}`,
    );
    await sleep(200); // a duplicate, if any, would come now
    for (const messages of [seen, live.messages]) {
      expect(messages.map(what)).toEqual(expected);
      expect(messages.map((m) => Number(m.headers['x-stream-offset']))).toEqual(expected.map((_, i) => i));
      expect(messages.filter((m) => m.headers['x-stream-gap'] !== undefined)).toEqual([]);
    }
    expect(gaps).toEqual([]);
    // Still the forced transport (no fallback), and the witness never lost its connection.
    expect(victim.transport()).toBe('xhr-streaming');
    expect(await Promise.race([witness.closed.then(() => 'closed'), sleep(0).then(() => 'open')])).toBe('open');
    expect(publisher.errors).toEqual([]);
  });

  it("shares a queue between consumers on two nodes, and a NACK on one node redelivers on the other's", async () => {
    const [nodeA, nodeB] = nodes.filter((node) => node.child.exitCode === null && node.child.signalCode === null);
    const [alice, bert, sender] = await Promise.all([
      clientOn(nodeA, 'xhr-streaming', `qa${RUN}`),
      clientOn(nodeB, 'websocket', `qb${RUN}`),
      clientOn(nodeB, 'xhr-streaming', `qs${RUN}`),
    ]);
    const got: Record<'alice' | 'bert', IMessage[]> = { alice: [], bert: [] };
    /** A consumer that ACKs everything, or NACKs everything (a failing worker), with a RECEIPT for its SUBSCRIBE. */
    const consume = async (who: 'alice' | 'bert', client: TestClient, settle: 'ack' | 'nack'): Promise<{ unsubscribe(): void }> => {
      const receipt = `sub-${who}-${randomBytes(3).toString('hex')}`;
      const subscribed = new Promise<void>((resolve) => client.client.watchForReceipt(receipt, () => resolve()));
      const subscription = client.client.subscribe(
        QUEUE,
        (m) => {
          got[who].push(m);
          if (settle === 'ack') m.ack();
          else m.nack();
        },
        { ack: 'client-individual', 'prefetch-count': '5', receipt },
      );
      await subscribed;
      return subscription;
    };

    // Competing consumers: each message to exactly one of them.
    const subscriptions = await Promise.all([consume('alice', alice, 'ack'), consume('bert', bert, 'ack')]);
    const bodies = Array.from({ length: 20 }, (_, i) => `job${i}`);
    for (const body of bodies) await sender.sendConfirmed(QUEUE, body);
    await waitUntil(
      () => got.alice.length + got.bert.length >= bodies.length,
      10_000,
      () => `queue deliveries:\n${logs()}`,
    );
    await sleep(300);
    const bodiesOf = (messages: IMessage[]): string[] => messages.map((m) => m.body);
    expect([...bodiesOf(got.alice), ...bodiesOf(got.bert)].sort()).toEqual([...bodies].sort());
    expect(got.alice.length).toBeGreaterThan(0);
    expect(got.bert.length).toBeGreaterThan(0);
    subscriptions.forEach((subscription) => subscription.unsubscribe());
    await sleep(300);

    // NACK: alice (node A) takes the job first and NACKs whatever she gets; bert (node B) subscribes after her first copy.
    got.alice = [];
    got.bert = [];
    const failing = await consume('alice', alice, 'nack');
    await sender.sendConfirmed(QUEUE, 'retry-me');
    await waitUntil(() => got.alice.length >= 1, 10_000, 'alice never got the job');
    await consume('bert', bert, 'ack');
    await waitUntil(
      () => got.bert.length >= 1,
      10_000,
      () => `the NACKed job never reached node B:\n${logs()}`,
    );
    failing.unsubscribe();
    expect(got.alice[0].body).toBe('retry-me');
    expect(got.alice[0].headers.redelivered).not.toBe('true');
    expect(got.bert.map((m) => [m.body, m.headers.redelivered])).toEqual([['retry-me', 'true']]);
    expect([alice, bert, sender].flatMap((client) => client.errors)).toEqual([]);
  });
});
