import { Inject, Injectable, Logger, type OnApplicationBootstrap, type OnModuleInit } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import { StompServer } from '../../engine/stomp.server.js';
import { StompAsyncApiExplorer } from './asyncapi.explorer.js';
import { buildAsyncApiDocument, type ServerSpec } from './asyncapi.document.js';

/**
 * The AsyncAPI 3.0 document of this app's STOMP API, built once at bootstrap from the decorators;
 * served over HTTP at the `asyncApi.path` option when there is one.
 */
@Injectable()
export class StompAsyncApi implements OnModuleInit, OnApplicationBootstrap {
  private readonly logger = new Logger('StompModule');
  private built: Record<string, unknown> | undefined;

  constructor(
    @Inject(StompServer) private readonly server: StompServer,
    @Inject(StompAsyncApiExplorer) private readonly explorer: StompAsyncApiExplorer,
    @Inject(HttpAdapterHost) private readonly adapterHost: HttpAdapterHost,
  ) {}

  /** The document; throws before bootstrap, when the handlers are not all known yet. */
  document(): Record<string, unknown> {
    if (!this.built) throw new Error('The AsyncAPI document is built at application bootstrap: call document() after app.init()');
    return this.built;
  }

  /** Routes go in before Nest's own not-found handler, which app.init() adds after the init hooks. */
  onModuleInit(): void {
    const path = this.server.options.asyncApi.path;
    const adapter = this.adapterHost.httpAdapter;
    if (path === undefined || !adapter) return;
    adapter.get(path, (request: { headers: Record<string, string | string[] | undefined> }, response: unknown) => {
      const host = request.headers.host;
      adapter.setHeader(response, 'Content-Type', 'application/json; charset=utf-8');
      adapter.reply(response, JSON.stringify(typeof host === 'string' ? withHost(this.document(), host) : this.document()), 200);
    });
    this.logger.log(`AsyncAPI document: GET ${path}`);
  }

  async onApplicationBootstrap(): Promise<void> {
    const { asyncApi } = this.server.options;
    this.built = buildAsyncApiDocument({
      title: asyncApi.title,
      version: asyncApi.version,
      description: asyncApi.description,
      host: asyncApi.host,
      servers: this.servers(),
      operations: await this.explorer.operations(),
    });
  }

  private servers(): ServerSpec[] {
    const { endpoint, sockJs, webSocketEnabled } = this.server.options;
    const servers: ServerSpec[] = [];
    if (webSocketEnabled)
      servers.push({ id: 'websocket', pathname: `${endpoint}/websocket`, description: 'STOMP 1.0-1.2 over a raw WebSocket' });
    if (sockJs) {
      servers.push({
        id: 'sockjs',
        pathname: endpoint,
        description: 'STOMP over SockJS (websocket, xhr-streaming, eventsource, iframe, xhr-polling, jsonp)',
      });
    }
    return servers;
  }
}

/** The served document names the host the client reached it by, so its servers are the real ones. */
function withHost(document: Record<string, unknown>, host: string): Record<string, unknown> {
  const servers = Object.fromEntries(
    Object.entries(document.servers as Record<string, object>).map(([id, server]) => [id, { ...server, host }]),
  );
  return { ...document, servers };
}
