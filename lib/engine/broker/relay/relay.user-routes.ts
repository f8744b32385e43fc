import { createHash } from 'node:crypto';
import type { StompTcpClient } from './stomp-tcp.client.js';
import type { RelayReceipts } from './relay.receipts.js';
import type { StompFrame } from '../../../interfaces/stomp-frame.interface.js';
import type { UserMessageSink } from '../../../interfaces/message-broker.interface.js';
import { USER_DESTINATION_HEADER, USER_HEADER, withoutBrokerHeaders } from './relay.headers.js';

interface Route {
  readonly id: string;
  /** Until RabbitMQ confirms the binding: a message published elsewhere meanwhile may find no route here. */
  bound: Promise<void> | undefined;
}

/**
 * On amq.direct, not amq.topic: the mapper only makes `/topic/...` destinations, so no client
 * SUBSCRIBE or SEND can name this exchange, whatever the prefixes and names. amq.direct exists in
 * every RabbitMQ virtual host and matches keys exactly, so no key can act as a wildcard.
 */
const USER_ROUTE_PREFIX = '/exchange/amq.direct/nestjs-stomp.user.';
/** RabbitMQ refuses routing keys over 255 bytes; longer names are hashed (the user header tells the rare collision apart). */
const LONGEST_PLAIN_KEY = 200;

/**
 * The RabbitMQ destination of one user's messages. base64url carries any name (`#`, `*`, `.`,
 * `/`, unicode) with no character RabbitMQ's destination parser or routing would read.
 */
export function userRouteDestination(user: string): string {
  const plain = Buffer.from(user, 'utf8').toString('base64url');
  return (
    USER_ROUTE_PREFIX + (plain.length <= LONGEST_PLAIN_KEY ? plain : `h.${createHash('sha256').update(user, 'utf8').digest('base64url')}`)
  );
}

/**
 * Interest-based routing of user messages: one broker subscription (RabbitMQ makes it an exclusive,
 * auto-delete queue bound with the user's key) per user with a session on this node, from the
 * user's first session to the last. A user message then reaches only the nodes of its user, and
 * RabbitMQ drops one for a user connected nowhere (unroutable).
 */
export class RelayUserRoutes {
  private readonly routes = new Map<string, Route>();
  private readonly userById = new Map<string, string>();
  private nextId = 0;

  constructor(
    private readonly client: StompTcpClient,
    private readonly receipts: RelayReceipts,
  ) {}

  arrived(user: string): void {
    if (this.routes.has(user)) return;
    const route: Route = { id: `u${++this.nextId}`, bound: undefined };
    this.routes.set(user, route);
    this.userById.set(route.id, user);
    // While the broker is away the route is made on reconnection (bindAll).
    this.bind(user, route);
  }

  left(user: string): void {
    const route = this.routes.get(user);
    if (route === undefined) return;
    this.routes.delete(user);
    this.userById.delete(route.id);
    // Unsent while disconnected: the queue went with the connection, and bindAll will not remake it.
    this.client.send('UNSUBSCRIBE', { id: route.id });
  }

  /**
   * Settles once the user's binding is confirmed (so a RECEIPT for a `/user/` SUBSCRIBE means
   * "reachable from every node"); nothing to wait for when it stands or the broker is away.
   */
  bound(user: string): Promise<void> | undefined {
    return this.routes.get(user)?.bound;
  }

  /** On (re)connection: the old connection's exclusive queues are gone with it. */
  bindAll(): void {
    for (const [user, route] of this.routes) this.bind(user, route);
  }

  /** A MESSAGE on one of the user routes goes to the user's sessions on this node; true when it was on one. */
  receive(frame: StompFrame, sink: UserMessageSink): boolean {
    const subscription = frame.headers.subscription;
    const routedUser = subscription === undefined ? undefined : this.userById.get(subscription);
    if (routedUser === undefined) return false;
    const user = frame.headers[USER_HEADER];
    const destination = frame.headers[USER_DESTINATION_HEADER];
    // A hashed key may, in theory, be shared by two names: the header says whose message it is.
    if (user === routedUser && destination !== undefined) {
      sink.deliverUserMessage({ user, destination, headers: withoutBrokerHeaders(frame.headers), body: frame.body });
    }
    return true;
  }

  clear(): void {
    this.routes.clear();
    this.userById.clear();
  }

  private bind(user: string, route: Route): void {
    if (!this.client.connected) return;
    let settled!: () => void;
    const bound = new Promise<void>((resolve) => (settled = resolve));
    route.bound = bound;
    // A refusal or a lost connection settles it too: the session's subscription is local and must not hang on the broker.
    const receipt = this.receipts.expect(() => {
      if (route.bound === bound) route.bound = undefined;
      settled();
    }, false);
    if (!this.client.send('SUBSCRIBE', { id: route.id, destination: userRouteDestination(user), ack: 'auto', receipt })) {
      this.receipts.forget(receipt);
      route.bound = undefined;
      settled();
    }
  }
}
