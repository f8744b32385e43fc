import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { execFile } from 'node:child_process';
import net from 'node:net';
import { promisify } from 'node:util';
import { connectSockJs, connectWebSocketUrl } from '../fixtures/stomp-clients.fixture.js';
import {
  installConsumerApp,
  packRepository,
  removePacked,
  startConsumer,
  type ConsumerProcess,
  type PackedPackage,
} from '../fixtures/packed-app.fixture.js';

const run = promisify(execFile);

/**
 * Spring's getting-started guide (gs-messaging-stomp-websocket), ported as a user would: its
 * GreetingController and WebSocketConfig (`addEndpoint("/gs-guide-websocket")`, simple broker on
 * `/topic`, application prefix `/app`), in plain JavaScript against the installed package.
 */
const GUIDE_APP = `
import 'reflect-metadata';
import { Controller, Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { MessageMapping, SendTo, StompModule } from 'nestjs-stomp';

const escapeHtml = (text) => String(text).replace(/[&<>"']/g, (c) => '&#' + c.charCodeAt(0) + ';');

class GreetingController {
  greeting(message) {
    return { content: 'Hello, ' + escapeHtml(message.name) + '!' };
  }
}
Reflect.decorate([MessageMapping('/hello'), SendTo('/topic/greetings')], GreetingController.prototype, 'greeting',
  Object.getOwnPropertyDescriptor(GreetingController.prototype, 'greeting'));
Reflect.decorate([Controller()], GreetingController);

class AppModule {}
Reflect.decorate([Module({
  imports: [StompModule.forRoot({ endpoint: '/gs-guide-websocket', appPrefix: '/app', brokerPrefixes: ['/topic'] })],
  controllers: [GreetingController],
})], AppModule);

const app = await NestFactory.create(AppModule, { logger: ['error', 'warn'] });
await app.listen(0, '127.0.0.1');
console.log('listening ' + app.getHttpServer().address().port);
`;

const CJS_CHECK = `
const stomp = require('nestjs-stomp');
console.log(JSON.stringify(['StompModule', 'SimpMessagingTemplate', 'MessageMapping', 'STOMP_MODULE_OPTIONS', 'isStompContext']
  .map((name) => [name, typeof stomp[name]])));
`;

/** Writes an upgrade request, then resets the TCP connection (RST) before or after the reply. */
function resetUpgrade(port: number, path: string, origin: string | undefined, afterMs: number): Promise<string> {
  return new Promise((resolve) => {
    let reply = '';
    const socket = net.connect(port, '127.0.0.1', () => {
      socket.write(
        `GET ${path} HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n` +
          (origin ? `Origin: ${origin}\r\n` : '') +
          'Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\nSec-WebSocket-Protocol: v12.stomp\r\n\r\n',
      );
      setTimeout(() => socket.resetAndDestroy(), afterMs);
    });
    socket.on('data', (chunk) => (reply += chunk.toString('latin1')));
    socket.on('error', () => undefined);
    socket.on('close', () => resolve(reply.split('\r\n', 1)[0]));
  });
}

describe('the packed package, installed into a fresh app with only its declared dependencies', () => {
  let packed: PackedPackage | undefined;
  let app: string;
  let consumer: ConsumerProcess;

  beforeAll(async () => {
    packed = await packRepository();
    app = await installConsumerApp(packed, { 'main.mjs': GUIDE_APP, 'check.cjs': CJS_CHECK });
    consumer = await startConsumer(app, 'main.mjs');
  }, 240_000);
  afterAll(async () => {
    await consumer?.stop();
    await removePacked(packed);
  });

  it('holds the built library and the sockjs-client script, and no sources, tests or sample', () => {
    const files = packed!.files;
    expect(files).toEqual(
      expect.arrayContaining([
        'package.json',
        'README.md',
        'LICENSE',
        'CHANGELOG.md',
        'dist/index.js',
        'dist/index.d.ts',
        'dist/engine/transport/sockjs-client.min.js',
      ]),
    );
    expect(files.filter((f) => !f.startsWith('dist/') && !['package.json', 'README.md', 'LICENSE', 'CHANGELOG.md'].includes(f))).toEqual(
      [],
    );
    // The library alone: lib/ compiled flat into dist/, nothing of the sample app, the tests or the benches.
    expect(files.filter((f) => /^dist\/(lib|sample-app|test|bench)\//.test(f) || /\.(spec|e2e-spec)\.(js|d\.ts)$/.test(f))).toEqual([]);
    expect(files.filter((f) => f.endsWith('.ts') && !f.endsWith('.d.ts'))).toEqual([]);
  });

  it("exports 'nestjs-stomp/client' (ESM, with types), which loads without Nest", async () => {
    expect(packed!.files).toEqual(expect.arrayContaining(['dist/client/index.js', 'dist/client/index.d.ts']));
    const probe = "import('nestjs-stomp/client').then((m) => console.log(typeof m.resumableSubscriptions))";
    const { stdout } = await run(process.execPath, ['--input-type=module', '-e', probe], { cwd: app });
    expect(stdout.trim()).toBe('function');
  });

  it('serves <endpoint>/sockjs-client.min.js from the installed package (sockjs-client is not installed there)', async () => {
    await expect(run(process.execPath, ['-e', "import('sockjs-client')"], { cwd: app })).rejects.toThrow();
    const response = await fetch(`http://127.0.0.1:${consumer.port}/gs-guide-websocket/sockjs-client.min.js`);
    expect(response.status).toBe(200);
    expect(await response.text()).toContain('sockjs-client v1.6.1');
    expect(consumer.child.exitCode).toBeNull();
  });

  it("Spring's guide client works unchanged: brokerURL ws://host/gs-guide-websocket, /app/hello to /topic/greetings", async () => {
    const client = await connectWebSocketUrl(`ws://127.0.0.1:${consumer.port}/gs-guide-websocket`);
    const greetings = await client.subscribeConfirmed('/topic/greetings');
    client.client.publish({ destination: '/app/hello', body: JSON.stringify({ name: '<Ana>' }) });
    const [greeting] = await greetings.waitFor(1);
    expect(JSON.parse(greeting.body)).toEqual({ content: 'Hello, &#60;Ana&#62;!' });
    await client.disconnect();
  });

  it('SockJS clients reach the same endpoint', async () => {
    const client = await connectSockJs(`http://127.0.0.1:${consumer.port}`, 'xhr-streaming', '/gs-guide-websocket');
    const greetings = await client.subscribeConfirmed('/topic/greetings');
    client.client.publish({ destination: '/app/hello', body: JSON.stringify({ name: 'Bo' }) });
    expect(JSON.parse((await greetings.waitFor(1))[0].body)).toEqual({ content: 'Hello, Bo!' });
    await client.disconnect();
  });

  it('survives WebSocket upgrades that the client resets, on every path of the endpoint', async () => {
    const paths = [
      '/gs-guide-websocket',
      '/gs-guide-websocket/info',
      '/gs-guide-websocket/websocket',
      '/gs-guide-websocket/000/abcdefgh/websocket',
      '/gs-guide-websocket/iframe.html',
      '/gs-guide-websocket/nope/x',
    ];
    const replies: string[] = [];
    for (const path of paths) {
      for (const origin of [undefined, 'http://evil.example']) {
        for (const afterMs of [0, 30]) replies.push(await resetUpgrade(consumer.port, path, origin, afterMs));
      }
    }
    // The wrong upgrade paths are refused in words, not silence.
    expect(await resetUpgrade(consumer.port, '/gs-guide-websocket/info', undefined, 200)).toBe('HTTP/1.1 400 Bad Request');
    expect(replies.length).toBe(24);
    const response = await fetch(`http://127.0.0.1:${consumer.port}/gs-guide-websocket/info`);
    expect(response.status).toBe(200);
    expect(consumer.child.exitCode).toBeNull();
    expect(consumer.output()).not.toMatch(/Unhandled|ECONNRESET|ERR_STREAM/);
    expect(consumer.output()).toMatch(/raw STOMP over WebSocket lives at \/gs-guide-websocket and \/gs-guide-websocket\/websocket/);
  });

  it('works from CommonJS: require("nestjs-stomp")', async () => {
    const { stdout } = await run(process.execPath, ['check.cjs'], { cwd: app });
    expect(JSON.parse(stdout)).toEqual([
      ['StompModule', 'function'],
      ['SimpMessagingTemplate', 'function'],
      ['MessageMapping', 'function'],
      ['STOMP_MODULE_OPTIONS', 'symbol'],
      ['isStompContext', 'function'],
    ]);
  });
});
