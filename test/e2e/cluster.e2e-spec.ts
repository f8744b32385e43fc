import { afterAll, beforeAll, describe, expect, it, jest } from '@jest/globals';
import { randomBytes } from 'node:crypto';
import type { Browser, Page } from 'playwright-core';
import { userRouteDestination } from '../../lib/engine/broker/relay/relay.user-routes.js';
import type { Block } from '../../sample-app/src/chain/chain.model.js';
import { launchChromium } from '../fixtures/browser.fixture.js';
import { sessionIdFor, clusterLogs, startCluster, stopClusterNode, waitUntil, type ClusterNode } from '../fixtures/cluster.fixture.js';
import type { RunningNginx } from '../fixtures/nginx.fixture.js';
import { deleteRabbitQueues, rabbitBindings, rabbitQueues, requireRabbitMqStomp } from '../fixtures/rabbitmq.fixture.js';
import { openAs, type SamplePage } from '../fixtures/sample-app.fixture.js';
import { connectSockJs, type MessageInbox, type SockJsTransport, type TestClient } from '../fixtures/stomp-clients.fixture.js';

/** A fast chain, so that a hand-over shows within a few blocks. */
const CHAIN_ENV = {
  CHAIN_BLOCK_INTERVAL_MS: '400',
  CHAIN_TRANSACTION_INTERVAL_MS: '200',
  CHAIN_SUPPLY_INTERVAL_MS: '250',
  STOMP_RELAY_RECONNECT_DELAY_MS: '200',
};
const ENDPOINT = '/block';
const RUN = randomBytes(3).toString('hex');
/** Names of this run only, so the bindings the test looks for after the nodes stop cannot be another run's. */
const ROOM = `cluster${RUN}`;
const [ANA, BOB, CARL] = ['ana', 'bob', 'carl'].map((name) => `${name}${RUN}`);

jest.setTimeout(60_000);

describe('the sample as a cluster: 3 node processes behind nginx-cluster.conf on RabbitMQ', () => {
  const nodes: ClusterNode[] = [];
  let nginx: RunningNginx;
  let browser: Browser;
  const clients: TestClient[] = [];
  /** ana, bob and carl, on nodes 1, 2 and 3. */
  let chatters: TestClient[] = [];
  let page: SamplePage | undefined;

  /** @stomp/stompjs over sockjs-client through nginx, on the node chosen through the SockJS session id. */
  const clientOn = async (node: ClusterNode, transport: SockJsTransport, login?: string): Promise<TestClient> => {
    const sockJsSessionId = await sessionIdFor(nginx.baseUrl, ENDPOINT, node.port);
    const client = await connectSockJs(nginx.baseUrl, transport, ENDPOINT, {
      connectHeaders: login ? { login } : {},
      sockJsSessionId,
    });
    clients.push(client);
    return client;
  };

  beforeAll(async () => {
    await requireRabbitMqStomp();
    nginx = await startCluster(nodes, CHAIN_ENV);
    browser = await launchChromium();
  }, 60_000);

  afterAll(async () => {
    await page?.close().catch(() => undefined);
    await browser?.close();
    await Promise.all(clients.map((client) => client.disconnect().catch(() => undefined)));
    await Promise.all(nodes.map(stopClusterNode));
    await nginx?.stop();
  });

  const logs = (): string => clusterLogs(nodes);

  it('carries room messages between nodes: Node clients on each node and a page in Chromium', async () => {
    chatters = await Promise.all([
      clientOn(nodes[0], 'xhr-streaming', ANA),
      clientOn(nodes[1], 'websocket', BOB),
      clientOn(nodes[2], 'xhr-streaming', CARL),
    ]);
    const [ana, bob, carl] = chatters;
    // Room membership is kept per node: each joins on its own.
    const rooms = await Promise.all(
      [ana, bob, carl].map(async (client) => {
        const inbox = await client.subscribeConfirmed(`/topic/rooms/${ROOM}`);
        await client.sendConfirmed(`/dap/rooms/${ROOM}/join`, '');
        return inbox;
      }),
    );
    page = await openAs(browser, nginx.baseUrl, `dora${RUN}`, 'xhr-streaming');
    await openRoom(page.page, ROOM);
    // The page subscribes, then says it joined: once its join is seen, its subscription is live (its node sends the
    // join only after the broker has the page's subscription).
    for (const inbox of rooms) await waitForBody(inbox, `"sender":"dora${RUN}"`);

    await ana.sendConfirmed(`/dap/rooms/${ROOM}/send`, JSON.stringify({ sendMessage: 'hello from node 1' }));
    for (const inbox of rooms) await waitForBody(inbox, 'hello from node 1');
    await page.page.locator('#messages li.msg', { hasText: 'hello from node 1' }).waitFor();

    await page.page.fill('#message-input', 'hello from the page');
    await page.page.press('#message-input', 'Enter');
    for (const inbox of rooms) await waitForBody(inbox, 'hello from the page');
    expect(page.errors).toEqual([]);
  });

  it('delivers a private message to its recipient only, and only to the recipient node (counted at the broker)', async () => {
    const [ana, bob, carl] = chatters;
    const [anaInbox, bobInbox, carlInbox] = await Promise.all([ana, bob, carl].map((c) => c.subscribeConfirmed('/user/queue/messages')));
    await ana.sendConfirmed('/dap/private', JSON.stringify({ to: BOB, sendMessage: 'for bob only' }));
    expect(JSON.parse((await bobInbox.waitFor(1))[0].body)).toMatchObject({ sender: ANA, to: BOB, sendMessage: 'for bob only' });
    await anaInbox.waitFor(1); // the sender's copy, on the sender's own node
    // Sent after bob's: carl's first private message is this one, so bob's never reached him.
    await ana.sendConfirmed('/dap/private', JSON.stringify({ to: CARL, sendMessage: 'for carl' }));
    expect((await carlInbox.waitFor(1)).map((m) => JSON.parse(m.body).sendMessage)).toEqual(['for carl']);
    await anaInbox.waitFor(2);

    const deliveries = (user: string) => nodes.map((node) => node.proxy.deliveries(userRouteDestination(user)));
    expect(deliveries(BOB)).toEqual([0, 1, 0]);
    expect(deliveries(CARL)).toEqual([0, 0, 1]);
    expect(deliveries(ANA)).toEqual([2, 0, 0]); // her copies of both, on her node
    // And RabbitMQ routes bob's key to one queue: his node's.
    const key = userRouteDestination(BOB).slice('/exchange/amq.direct/'.length);
    expect((await rabbitBindings()).filter((line) => line.startsWith(`amq.direct ${key} -> `))).toHaveLength(1);
  });

  it('shows one chain, produced by one node, and another node continues it within seconds after kill -9', async () => {
    const leader = nodes.find((node) => node.leading())!;
    const standby = nodes.filter((node) => node !== leader);
    // One watcher per standby node (they survive the kill), each over an HTTP transport through nginx.
    const watchers = await Promise.all(
      standby.map(async (node) => (await clientOn(node, 'xhr-streaming')).subscribeConfirmed('/topic/blockInfo')),
    );
    await Promise.all(watchers.map((inbox) => inbox.waitFor(4)));
    // Counted where each node meets the broker: only the leader publishes blocks.
    const published = () => nodes.map((node) => node.proxy.published('/topic/topic.blockInfo'));
    expect(published().filter((count) => count > 0)).toEqual([published()[nodes.indexOf(leader)]]);
    const killedAt = watchers[0].messages.length;
    const beforeKill = published();
    leader.child.kill('SIGKILL');
    await leader.exited;
    // A new leader among the others, and the chain goes on: 4 more blocks within 10 s of the kill.
    await waitUntil(
      () => standby.some((node) => node.leading()),
      10_000,
      () => `nobody took over:\n${logs()}`,
    );
    await Promise.all(watchers.map((inbox) => inbox.waitFor(killedAt + 4, 10_000)));
    const successor = standby.find((node) => node.leading())!;
    const since = published().map((count, i) => count - beforeKill[i]);
    expect(since.filter((count) => count > 0)).toEqual([since[nodes.indexOf(successor)]]);

    const chains = watchers.map((inbox) => inbox.messages.map((m) => JSON.parse(m.body) as Block));
    for (const chain of chains) {
      const heights = chain.map((block) => block.height);
      expect(heights).toEqual([...new Set(heights)].sort((a, b) => a - b));
      // One chain: each block links to the one before it, across the hand-over too.
      for (let i = 1; i < chain.length; i++) {
        if (chain[i].height === chain[i - 1].height + 1) expect(chain[i].previousHash).toBe(chain[i - 1].hash);
      }
    }
    // Both standby nodes' clients saw the same blocks (one chain, not one per node).
    const common = chains[1].filter((block) => chains[0].some((other) => other.height === block.height));
    for (const block of common) expect(chains[0].find((other) => other.height === block.height)!.hash).toBe(block.hash);
    expect(common.length).toBeGreaterThanOrEqual(4);

    // Every node's snapshot (what a page gets at once, and the polling API) is that chain too.
    for (const node of standby) {
      const snapshot = (await (await fetch(`http://127.0.0.1:${node.port}/api/dashboard`)).json()) as { blocks: Block[] };
      const seen = snapshot.blocks.filter((block) => chains[0].some((other) => other.height === block.height));
      expect(seen.length).toBeGreaterThanOrEqual(4);
      for (const block of seen) expect(block.hash).toBe(chains[0].find((other) => other.height === block.height)!.hash);
      expect(snapshot.blocks.slice(1).every((block, i) => block.hash === snapshot.blocks[i].previousHash)).toBe(true);
    }

    // The page follows the same chain, newest first, whichever node it was on (its client reconnects through nginx).
    const pageHeights = await page!.page.$$eval('#blocks li', (items) => items.map((item) => Number((item as HTMLElement).dataset.height)));
    expect(pageHeights).toEqual([...new Set(pageHeights)].sort((a, b) => b - a));
  });

  it('leaves no queue or binding of its own on RabbitMQ once the nodes stop, but the history streams', async () => {
    // The history rules' streams stay by design (a client resumes from them after any restart): not litter.
    const ours = (line: string): boolean =>
      !line.includes('nestjs-stomp.stream.') &&
      (line.includes(RUN) ||
        [ANA, BOB, CARL].some((user) => line.includes(userRouteDestination(user).slice('/exchange/amq.direct/'.length))) ||
        / topic\.(blockInfo|tranInfo|supply) -> /.test(line));
    // While they run: the room's, the users' and the dashboard's bindings, so the filter above sees real lines.
    expect((await rabbitBindings()).filter(ours).length).toBeGreaterThanOrEqual(6);
    await Promise.all(clients.map((client) => client.disconnect().catch(() => undefined)));
    await Promise.all(nodes.map(stopClusterNode));
    // RabbitMQ deletes exclusive and auto-delete queues as it sees each connection close: allow it a moment.
    await waitUntil(
      async () =>
        (await rabbitBindings()).filter(ours).length === 0 &&
        !(await rabbitQueues()).some(([name]) => name === 'nestjs-stomp-sample.chain.leader'),
      10_000,
      async () => `left behind: ${JSON.stringify((await rabbitBindings()).filter(ours))}`,
    );
    const streams = (await rabbitQueues(['name', 'type'])).filter(([name]) => name.startsWith('nestjs-stomp.stream.'));
    expect(streams).toContainEqual(['nestjs-stomp.stream.topic.blockInfo', 'stream']);
    expect(streams.map(([name]) => name)).toContain(`nestjs-stomp.stream.topic.rooms.${ROOM}`);
    // This run's room stream is the test's to delete (the dashboard's are reused by the next run).
    await deleteRabbitQueues(`nestjs-stomp.stream.topic.rooms.${ROOM}`);
  });
});

async function openRoom(page: Page, roomId: string): Promise<void> {
  await page.fill('#room-input', roomId);
  await page.press('#room-input', 'Enter');
  await page.waitForSelector(`.tab[data-key="room:${roomId}"][aria-selected="true"]`);
}

async function waitForBody(inbox: MessageInbox, text: string): Promise<void> {
  await waitUntil(() => inbox.messages.some((m) => m.body.includes(text)), 10_000, `never got '${text}'`);
}
