// The server under test: a minimal Nest app (platform-express) with StompModule.forRoot configured
// as the original system (endpoint /block, handlers under /dap, simple broker on /topic/), running
// the COMPILED library from dist/ (`npm run build`). When lib/handlers exports MessageMapping and
// SendTo, the chat handler of the original app is mapped:
//   @MessageMapping('/rooms/{roomId}/send') @SendTo('/topic/rooms/{roomId}') send(message) { return message; }
// (the sample app's room destinations; the handler passes the original's MessageVO through, without
// the sample app's validation and history, so that both servers do the same work)
// Run by bench/run.mjs with child_process.fork; it reports on IPC (see lib/control.mjs).
import 'reflect-metadata';
import { Injectable, Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { serveControl } from './lib/control.mjs';

const stomp = await import('../dist/index.js');
const { StompModule, SimpMessagingTemplate, StompServer } = stomp;

const handlersExported = typeof stomp.MessageMapping === 'function' && typeof stomp.SendTo === 'function';

/** The original's broadcasting handler (MessageVO in, the same MessageVO out to the room). */
class ChatController {
  send(message) {
    return message;
  }
}

const providers = [];
if (handlersExported) {
  // Decorators applied by hand: this file is plain JavaScript.
  Injectable()(ChatController);
  const proto = ChatController.prototype;
  const descriptor = Object.getOwnPropertyDescriptor(proto, 'send');
  stomp.MessageMapping('/rooms/{roomId}/send')(proto, 'send', descriptor);
  stomp.SendTo('/topic/rooms/{roomId}')(proto, 'send', descriptor);
  if (typeof stomp.Payload === 'function') stomp.Payload()(proto, 'send', 0);
  providers.push(ChatController);
}

class BenchModule {}
Module({
  imports: [
    StompModule.forRoot({
      endpoint: '/block',
      appPrefix: '/dap',
      brokerPrefixes: ['/topic/'],
      streamBytesLimit: 512 * 1024,
      httpMessageCacheSize: 1000,
      allowedOrigins: ['*'],
      // BENCH_METRICS=1: the stomp_* Prometheus series on, scraped once a second below, to measure what they cost.
      ...(process.env.BENCH_METRICS === '1' && { metrics: { enabled: true } }),
      // BENCH_HISTORY=1 (the resume scenario): history on its destinations only, so other scenarios pay nothing for it.
      ...(process.env.BENCH_HISTORY === '1' && { history: [{ destination: '/topic/resume/*', size: 100_000 }] }),
      // BENCH_RELAY=1 (bench/cluster.mjs): /topic/ on the machine's RabbitMQ through the relay, so several processes share it.
      ...(process.env.BENCH_RELAY === '1' && { relay: { host: '127.0.0.1', port: Number(process.env.BENCH_RELAY_PORT ?? 61613) } }),
    }),
  ],
  providers,
})(BenchModule);

const app = await NestFactory.create(BenchModule, { logger: ['error', 'warn'] });
await app.listen(Number(process.env.BENCH_PORT ?? 0), '127.0.0.1'); // BENCH_PORT: a fixed port behind nginx
const { port } = app.getHttpServer().address();
const template = app.get(SimpMessagingTemplate);
const stompServer = app.get(StompServer);
if (process.env.BENCH_METRICS === '1') {
  const { register } = await import('prom-client');
  setInterval(() => void register.metrics(), 1000).unref();
}
// Before the inbound router, handlers were wired into a dispatcher after construction; now at construction.
const handlersWired = handlersExported && (stompServer.dispatcher ? stompServer.dispatcher.applicationHandler !== undefined : true);

serveControl({
  info: {
    impl: 'nestjs-stomp',
    port,
    urls: { ws: `ws://127.0.0.1:${port}/block/websocket`, sockjs: `http://127.0.0.1:${port}/block` },
    handlers: handlersWired,
  },
  publish: (destination, payload) => template.convertAndSend(destination, payload),
});
