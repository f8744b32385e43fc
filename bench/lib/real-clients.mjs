// A few sessions with the clients real users run: @stomp/stompjs over sockjs-client (its default
// transport choice, and forced xhr-streaming) and over a raw WebSocket. They check that what the
// raw load-generator clients measure is what real clients see.
import { Client } from '@stomp/stompjs';
import SockJS from 'sockjs-client';
import WebSocket from 'ws';
import { now, withTimeout } from './util.mjs';

export const REAL_KINDS = ['stompjs+sockjs', 'stompjs+sockjs/xhr-streaming', 'stompjs+ws'];

function factoryFor(kind, urls) {
  switch (kind) {
    case 'stompjs+sockjs':
      return () => new SockJS(urls.sockjs);
    case 'stompjs+sockjs/xhr-streaming':
      return () => new SockJS(urls.sockjs, null, { transports: ['xhr-streaming'] });
    case 'stompjs+ws':
      return () => new WebSocket(urls.ws, ['v12.stomp']);
    default:
      throw new Error(`unknown real client kind ${kind}`);
  }
}

/** A connected stompjs client with receipt-confirmed subscriptions. */
export async function connectRealClient(kind, urls, timeoutMs = 15_000) {
  const client = new Client({
    webSocketFactory: factoryFor(kind, urls),
    reconnectDelay: 0,
    heartbeatIncoming: 0,
    heartbeatOutgoing: 0,
    debug: () => {},
  });
  const errors = [];
  await withTimeout(
    new Promise((resolve, reject) => {
      client.onConnect = () => resolve();
      client.onStompError = (frame) => {
        errors.push(frame.headers.message);
        reject(new Error(`${kind}: ERROR ${frame.headers.message}`));
      };
      client.onWebSocketError = () => reject(new Error(`${kind}: transport error`));
      client.onWebSocketClose = () => reject(new Error(`${kind}: closed before CONNECTED`));
      client.activate();
    }),
    timeoutMs,
    `${kind} CONNECTED`,
  );
  client.onWebSocketClose = () => {};
  client.onStompError = (frame) => errors.push(frame.headers.message);
  let receipts = 0;
  return {
    kind,
    errors,
    /** sockjs-client's transport actually used (private field, as in the e2e tests). */
    transport: kind.startsWith('stompjs+sockjs') ? (client.webSocket?._transport?.transportName ?? '?') : 'websocket',
    /** Resolves to the time the RECEIPT arrived. */
    subscribe(destination, onBody) {
      const receipt = `real-${++receipts}`;
      const confirmed = new Promise((resolve) => client.watchForReceipt(receipt, () => resolve(now())));
      client.subscribe(destination, (message) => onBody(message.body), { receipt });
      return withTimeout(confirmed, timeoutMs, `${kind} RECEIPT for ${destination}`);
    },
    send(destination, body, contentType = 'text/plain') {
      client.publish({ destination, body, headers: { 'content-type': contentType } });
    },
    async close() {
      await withTimeout(client.deactivate(), 3000, `${kind} deactivate`).catch(() => {});
    },
  };
}
