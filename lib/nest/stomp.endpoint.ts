import { Inject, Injectable, Logger, type OnApplicationBootstrap, type OnModuleDestroy } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import type { Server as HttpServer } from 'node:http';
import { StompServer } from '../engine/stomp.server.js';
import { BOOTSTRAP_MESSAGES } from '../engine/stomp.messages.js';

/** Attaches the STOMP endpoint to Nest's own HTTP server once the app is up, and detaches it on shutdown. */
@Injectable()
export class StompEndpoint implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger('StompModule');

  constructor(
    @Inject(StompServer) private readonly server: StompServer,
    @Inject(HttpAdapterHost) private readonly adapterHost: HttpAdapterHost,
  ) {}

  /** After `app.init()`: gateways have bound their own upgrade listeners by then, and ours must run before theirs. */
  async onApplicationBootstrap(): Promise<void> {
    const httpServer = this.adapterHost.httpAdapter?.getHttpServer() as HttpServer | undefined;
    if (!httpServer) {
      throw new Error(BOOTSTRAP_MESSAGES.noHttpServer);
    }
    await this.server.attach(httpServer);
    const { endpoint, sockJs, webSocketEnabled } = this.server.options;
    const transports = [sockJs && `SockJS ${endpoint}`, webSocketEnabled && `WebSocket ${endpoint} and ${endpoint}/websocket`].filter(
      Boolean,
    );
    this.logger.log(`STOMP endpoint: ${transports.join(', ')}`);
  }

  async onModuleDestroy(): Promise<void> {
    await this.server.close();
  }
}
