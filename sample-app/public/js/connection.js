// One STOMP session over SockJS (@stomp/stompjs on sockjs-client), with the state the status line shows.

/* global StompJs, SockJS */

import { resumableSubscriptions } from '/vendor/nestjs-stomp/client.js';

// The server's words (src/auth/name.claims.ts) when another session holds the name.
const NAME_IN_USE = 'Name already in use';
// A tab coming back under its own name waits this many attempts (2 s apart) for the server to end its old session.
const NAME_RETRIES = 15;

/**
 * Connects as `name` (no `login` header at all when it is undefined: a guest, as the original page
 * connected), optionally forcing one SockJS transport, and reconnects on its own after a lost
 * connection. A refused CONNECT (bad name) stops it and reports the server's message.
 *
 * The server gives a name to one session at a time and does not know a tab that comes back: after a
 * lost connection, a transport switch or a reload (`resuming`), its old session may still be open on
 * the server for a few seconds, so "Name already in use" is retried for a while before it counts.
 *
 * Topics with history on the server are subscribed through `nestjs-stomp/client` (`resume`): after a
 * lost connection they continue from the last message the page had, and a gap (a restart, an outage
 * longer than the server keeps) goes to the subscriber's `onGap`, which reloads its snapshot.
 */
export class Connection {
  constructor({ endpoint, name, transport, resuming = false, onConnected, onState, onRefused, onServerError }) {
    this.state = 'connecting';
    this.attempts = 0;
    this.name = name;
    this.resuming = resuming;
    this.nameRetries = 0;
    this.refused = false;
    this.stopped = false;
    this.connectedThisSocket = false;
    this.client = new StompJs.Client({
      webSocketFactory: () => new SockJS(endpoint, null, transport ? { transports: [transport] } : {}),
      connectHeaders: name === undefined ? {} : { login: name },
      reconnectDelay: 2000,
      heartbeatIncoming: 10000,
      heartbeatOutgoing: 10000,
    });
    this.gapHandlers = new Map();
    this.streams = resumableSubscriptions(this.client, { onGap: (gap) => this.gapHandlers.get(gap.destination)?.(gap) });
    this.client.beforeConnect = () => {
      this.connectedThisSocket = false;
    };
    this.client.onConnect = (frame) => {
      this.connectedThisSocket = true;
      this.resuming = true;
      this.nameRetries = 0;
      this.attempts = 0;
      this.user = frame.headers['user-name'];
      this.version = frame.headers.version;
      this.transport = this.client.webSocket?.transport ?? 'websocket';
      this.set('connected');
      onConnected(this);
    };
    this.client.onStompError = (frame) => {
      const message = frame.headers.message || 'The server refused the connection';
      if (!this.connectedThisSocket) {
        // The socket closes after the ERROR frame and the client tries again on its own.
        if (message === NAME_IN_USE && this.resuming && ++this.nameRetries <= NAME_RETRIES) return;
        this.refused = true;
        void this.stop();
        onRefused(message);
      } else {
        onServerError(message);
      }
    };
    this.client.onWebSocketClose = () => {
      if (this.refused || this.stopped) return;
      this.attempts++;
      this.set('reconnecting');
    };
    this.onState = onState;
  }

  start() {
    this.set('connecting');
    this.client.activate();
  }

  async stop() {
    this.stopped = true;
    await this.client.deactivate();
  }

  /** Subscribes with a JSON body handler; returns the subscription (unsubscribe()). */
  subscribe(destination, handler) {
    return this.client.subscribe(destination, (message) => handler(JSON.parse(message.body), message));
  }

  /**
   * Subscribes once, for the life of this connection: the helper subscribes again after every reconnect,
   * from where the page stood. Returns the helper's subscription (`position`: undefined until a message came).
   */
  resume(destination, handler, onGap) {
    this.gapHandlers.set(destination, onGap);
    const subscription = this.streams.subscribe(destination, (message) => handler(JSON.parse(message.body), message));
    return {
      get position() {
        return subscription.position;
      },
      unsubscribe: () => {
        this.gapHandlers.delete(destination);
        subscription.unsubscribe();
      },
    };
  }

  /** Subscribes to an application destination whose handler answers once (@SubscribeMapping), then lets go. */
  fetchOnce(destination, handler) {
    const subscription = this.client.subscribe(destination, (message) => {
      subscription.unsubscribe();
      handler(JSON.parse(message.body));
    });
  }

  publish(destination, payload) {
    this.client.publish({ destination, body: JSON.stringify(payload), headers: { 'content-type': 'application/json' } });
  }

  get connected() {
    return this.client.connected;
  }

  set(state) {
    this.state = state;
    this.onState(this);
  }
}
