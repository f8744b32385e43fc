import 'reflect-metadata';
import { Logger } from '@nestjs/common';
import type { ConfigType } from '@nestjs/config';
import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import type { AddressInfo } from 'node:net';
import { AppModule } from './app.module.js';
import { serveSamplePages } from './app.setup.js';
import { serverConfig } from './config/server.config.js';
import { stompConfig, type StompConfig } from './config/stomp.config.js';

async function bootstrap(): Promise<void> {
  const app = await NestFactory.create<NestExpressApplication>(AppModule);
  // Ctrl-C (SIGINT) or SIGTERM: close every STOMP session, release long-polls and stop the scheduler before exiting.
  app.enableShutdownHooks();
  serveSamplePages(app);
  const server = app.get<ConfigType<typeof serverConfig>>(serverConfig.KEY);
  const stomp = app.get<StompConfig>(stompConfig.KEY);
  if (server.host) await app.listen(server.port, server.host);
  else await app.listen(server.port);
  const { port } = app.getHttpServer().address() as AddressInfo;
  const host = server.host && server.host !== '0.0.0.0' && server.host !== '::' ? server.host : 'localhost';
  new Logger('SampleApp').log(
    `Open http://${host}:${port}/ (STOMP: SockJS ${stomp.endpoint}, WebSocket ${stomp.endpoint}/websocket; polling: GET /api/dashboard)`,
  );
}

void bootstrap();
