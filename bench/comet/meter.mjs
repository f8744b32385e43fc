// Bytes on the wire as the load generator's sockets see them: every TCP connection this process
// opens (plain HTTP, WebSocket upgrades, SockJS streams and xhr_send requests alike) is created
// through net.connect, which publishes it on the `net.client.socket` diagnostics channel. Their
// bytesWritten/bytesRead are the TCP payload both ways: HTTP request and status lines, headers,
// chunked framing, WebSocket frame headers (and client masks), SockJS framing, STOMP frames, bodies.
// HTTP requests are counted from `http.client.request.start`.
import dc from 'node:diagnostics_channel';

const sockets = new Set();
const excluded = new WeakSet();
let requests = 0;

dc.subscribe('net.client.socket', ({ socket }) => sockets.add(socket));
dc.subscribe('http.client.request.start', ({ request }) => {
  if (!request?.benchExcluded) requests++;
});

/** Keeps a socket (the bench's own bookkeeping requests) out of the byte counts. */
export function exclude(socket) {
  excluded.add(socket);
}

/**
 * Totals so far. A socket is never dropped from the set, so the difference of two snapshots is
 * exactly what crossed the wire in between, whether sockets opened or closed meanwhile.
 */
export function snapshot() {
  let written = 0;
  let read = 0;
  for (const socket of sockets) {
    if (excluded.has(socket)) continue;
    written += socket.bytesWritten ?? 0;
    read += socket.bytesRead ?? 0;
  }
  return { written, read, requests, sockets: sockets.size };
}

export function difference(a, b) {
  return { written: b.written - a.written, read: b.read - a.read, requests: b.requests - a.requests, socketsOpened: b.sockets - a.sockets };
}
