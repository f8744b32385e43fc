import { randomUUID } from 'node:crypto';
import type { IncomingMessage, Server as HttpServer, ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';
import sockjs from 'sockjs';
import { WebSocketServer, type WebSocket } from 'ws';
import type { ResolvedStompOptions } from '../../interfaces/resolved-stomp-options.interface.js';
import { CLIENT_LIBRARY_FILE, clientLibrary } from './client-library.asset.js';
import { OriginPolicy } from './origin.policy.js';
import { SockJsConnection } from './sockjs.connection.js';
import type { StompConnection } from './stomp.connection.js';
import { WebSocketConnection } from './websocket.connection.js';

type Listener = (...args: unknown[]) => void;
type SockJsHandler = (req: IncomingMessage, resOrSocket: ServerResponse | Duplex, head?: Buffer) => boolean;

const NO_HEADERS: Readonly<Record<string, string>> = Object.freeze({});
const STOMP_SUBPROTOCOLS = ['v12.stomp', 'v11.stomp', 'v10.stomp'];
const SEND_PATH = /\/(xhr_send|jsonp_send)$/;
/** SockJS's own WebSocket transport: `<endpoint>/<server>/<session>/websocket`. */
const SOCKJS_WEBSOCKET_PATH = /^\/[^/.]+\/[^/.]+\/websocket$/;

/** Optional logging hooks, so this file stays free of Nest. */
export interface EndpointLog {
  warn(message: string): void;
  error(message: string, stack?: string): void;
}

/**
 * Puts the STOMP endpoint on an existing HTTP server: SockJS (every transport) and raw WebSocket
 * at `<endpoint>/websocket`, on the same port as the app. It sits in front of the server's own
 * `request`/`upgrade` listeners, claims only the endpoint's paths, enforces origins and request
 * body caps that sockjs-node lacks, and gives the server back untouched on detach.
 */
export class EndpointRegistrar {
  private readonly origins: OriginPolicy;
  private readonly webSocketServer: WebSocketServer;
  private readonly connections = new Set<StompConnection>();
  private sockJsHandler: SockJsHandler | undefined;
  private server: HttpServer | undefined;
  private readonly displaced = new Map<'request' | 'upgrade', Listener[]>();
  private warnedWrongUpgrade = false;
  /** One close listener for every connection. */
  private readonly untrack = (_reason: unknown, connection: StompConnection): void => void this.connections.delete(connection);

  constructor(
    private readonly options: ResolvedStompOptions,
    private readonly onConnection: (connection: StompConnection) => void,
    private readonly log: EndpointLog,
  ) {
    this.origins = new OriginPolicy(options.allowedOrigins);
    this.webSocketServer = new WebSocketServer({
      noServer: true,
      maxPayload: options.httpSendBytesLimit,
      handleProtocols: (offered) => STOMP_SUBPROTOCOLS.find((p) => offered.has(p)) ?? false,
    });
  }

  attach(server: HttpServer): void {
    if (this.server) throw new Error('The STOMP endpoint is already attached to a server');
    this.server = server;
    if (this.options.sockJs) this.sockJsHandler = this.createSockJs();
    this.interpose('request', (req, res) => this.handleRequest(req as IncomingMessage, res as ServerResponse));
    this.interpose('upgrade', (req, socket, head) => this.handleUpgrade(req as IncomingMessage, socket as Duplex, head as Buffer));
  }

  /** Closes every transport, releases every timer, and gives the server its own listeners back. */
  detach(): void {
    for (const connection of this.connections) {
      connection.close(1001, 'Server shutting down');
      if (connection instanceof SockJsConnection) connection.release();
    }
    this.connections.clear();
    for (const client of this.webSocketServer.clients) client.terminate();
    this.webSocketServer.close();
    const server = this.server;
    if (!server) return;
    for (const [event, listeners] of this.displaced) {
      server.removeAllListeners(event);
      for (const listener of listeners) server.on(event, listener);
    }
    this.displaced.clear();
    this.server = undefined;
  }

  /** Runs our handler first for the endpoint's paths; every other request reaches the listeners that were there. */
  private interpose(event: 'request' | 'upgrade', handle: (...args: unknown[]) => boolean): void {
    const server = this.server!;
    const previous = server.listeners(event) as Listener[];
    this.displaced.set(event, previous);
    server.removeAllListeners(event);
    server.on(event, (...args: unknown[]) => {
      if (handle(...args)) return;
      for (const listener of previous) listener.apply(server, args);
    });
  }

  private claims(pathname: string): boolean {
    return pathname === this.options.endpoint || pathname.startsWith(`${this.options.endpoint}/`);
  }

  private handleRequest(req: IncomingMessage, res: ServerResponse): boolean {
    const pathname = pathOf(req);
    if (!this.claims(pathname)) return false;
    try {
      this.serveRequest(req, res, pathname);
    } catch (error) {
      // A fault while serving one request answers that request; it must never reach the process.
      this.log.error(`Error serving ${req.method} ${clipPath(pathname)}: ${(error as Error).message}`, (error as Error).stack);
      if (!res.headersSent) respond(res, 500, 'Internal server error');
      else res.destroy();
    }
    return true;
  }

  private serveRequest(req: IncomingMessage, res: ServerResponse, pathname: string): void {
    if (!this.origins.allows(req)) return respond(res, 403, 'Origin not allowed');
    if (pathname === `${this.options.endpoint}/${CLIENT_LIBRARY_FILE}`) return serveClientLibrary(res);
    if (!this.sockJsHandler) return respond(res, 404, 'Not found: this endpoint accepts WebSocket only');
    if (SEND_PATH.test(pathname) && !this.capBody(req, res)) return;
    this.sockJsHandler(req, res);
  }

  private handleUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): boolean {
    const pathname = pathOf(req);
    if (!this.claims(pathname)) return false;
    // Before anything else: a client that resets mid-handshake emits 'error' on this socket, and an
    // 'error' nobody listens to ends the process.
    socket.on('error', ignoreSocketError);
    try {
      this.serveUpgrade(req, socket, head, pathname);
    } catch (error) {
      this.log.error(`Error upgrading ${clipPath(pathname)}: ${(error as Error).message}`, (error as Error).stack);
      refuseUpgrade(socket, 500, 'Internal Server Error');
    }
    return true;
  }

  private serveUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer, pathname: string): void {
    if (!this.origins.allows(req)) return refuseUpgrade(socket, 403, 'Forbidden');
    if (!this.options.webSocketEnabled) return refuseUpgrade(socket, 404, 'Not Found');
    const endpoint = this.options.endpoint;
    // Raw STOMP over WebSocket lives at <endpoint>/websocket and, as Spring's guide has it
    // (brokerURL ws://host/<endpoint>), at the endpoint itself: SockJS clients never upgrade there.
    if (pathname === `${endpoint}/websocket` || pathname === endpoint) {
      this.webSocketServer.handleUpgrade(req, socket, head, (ws) => this.acceptWebSocket(ws, req));
      return;
    }
    const rest = pathname.slice(endpoint.length);
    if (this.sockJsHandler && SOCKJS_WEBSOCKET_PATH.test(rest)) {
      this.sockJsHandler(req, socket, head);
      return;
    }
    // sockjs-node would answer these through a fake response and write after ending it: refuse here.
    if (!this.warnedWrongUpgrade) {
      this.warnedWrongUpgrade = true;
      this.log.warn(
        `WebSocket upgrade to ${clipPath(pathname)} refused: raw STOMP over WebSocket lives at ${endpoint} and ${endpoint}/websocket` +
          (this.sockJsHandler ? `; SockJS clients use ${endpoint}` : ''),
      );
    }
    refuseUpgrade(socket, 400, 'Bad Request');
  }

  private acceptWebSocket(ws: WebSocket, req: IncomingMessage): void {
    // Only the authenticate hook reads request headers; an idle session need not keep them otherwise.
    const headers = this.options.authenticate ? req.headers : NO_HEADERS;
    this.track(new WebSocketConnection(sessionId(), ws, req.url ?? '', headers, this.options));
  }

  private createSockJs(): SockJsHandler {
    const server = sockjs.createServer({
      prefix: escapeRegExp(this.options.endpoint),
      response_limit: this.options.streamBytesLimit,
      websocket: this.options.webSocketEnabled,
      heartbeat_delay: this.options.sockJsHeartbeatTime,
      disconnect_delay: this.options.disconnectDelay,
      jsessionid: this.options.sessionCookieNeeded,
      // Relative to <endpoint>/iframe.html, so it also works behind a proxy that mounts the app under a path.
      sockjs_url: this.options.clientLibraryUrl ?? CLIENT_LIBRARY_FILE,
      log: (severity, message) => {
        if (severity === 'error') this.log.warn(`SockJS: ${message}`);
      },
    });
    server.on('connection', (conn: sockjs.Connection | null) => {
      if (!conn) return;
      const request = { url: conn.url, remoteAddress: conn.remoteAddress, headers: conn.headers };
      this.track(new SockJsConnection(sessionId(), conn, request, this.options));
    });
    const listener = (server as unknown as { listener(o?: object): { getHandler(): SockJsHandler } }).listener();
    return listener.getHandler();
  }

  private track(connection: StompConnection): void {
    this.connections.add(connection);
    connection.onClose(this.untrack);
    this.onConnection(connection);
  }

  /** sockjs-node buffers a whole send body without limit; refuse bodies over httpSendBytesLimit. */
  private capBody(req: IncomingMessage, res: ServerResponse): boolean {
    const limit = this.options.httpSendBytesLimit;
    if (Number(req.headers['content-length'] ?? 0) > limit) {
      respond(res, 413, `Payload too large: at most ${limit} bytes per request`);
      req.resume();
      return false;
    }
    let received = 0;
    req.on('data', (chunk: Buffer) => {
      received += chunk.length;
      if (received > limit && !res.headersSent) {
        respond(res, 413, `Payload too large: at most ${limit} bytes per request`);
        req.destroy();
      }
    });
    return true;
  }
}

/**
 * randomUUID() joins its string from pieces, a rope of 14 strings (~450 B) that every session would keep as
 * its id; a copy is one flat string.
 */
function sessionId(): string {
  return Buffer.from(randomUUID(), 'latin1').toString('latin1');
}

function pathOf(req: IncomingMessage): string {
  const url = req.url ?? '/';
  const query = url.indexOf('?');
  return query === -1 ? url : url.slice(0, query);
}

function serveClientLibrary(res: ServerResponse): void {
  const script = clientLibrary();
  res.writeHead(200, {
    'content-type': 'application/javascript; charset=UTF-8',
    'cache-control': 'public, max-age=31536000',
    'content-length': script.length,
  });
  res.end(script);
}

function respond(res: ServerResponse, status: number, message: string): void {
  res.writeHead(status, { 'content-type': 'text/plain; charset=UTF-8', connection: 'close' });
  res.end(`${message}\n`);
}

function refuseUpgrade(socket: Duplex, status: number, text: string): void {
  if (socket.writable) socket.end(`HTTP/1.1 ${status} ${text}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
  else socket.destroy();
}

/** A reset or a write to a closed socket ends that one connection; there is nothing more to do. */
function ignoreSocketError(): void {}

/** Paths come from clients: keep log lines short. */
function clipPath(pathname: string): string {
  return pathname.length > 120 ? `${pathname.slice(0, 120)}…` : pathname;
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
