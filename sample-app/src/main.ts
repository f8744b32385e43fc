import 'reflect-metadata';
import { Logger } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { AppModule } from './app.module.js';

const here = dirname(fileURLToPath(import.meta.url));
const require = createRequire(import.meta.url);

/** A folder inside an installed package; resolved through its entry point, since `exports` hides the rest. */
function packageDir(name: string, folder: string): string {
  const entry = require.resolve(name);
  return join(entry.slice(0, entry.lastIndexOf(`/node_modules/${name}/`) + `/node_modules/${name}/`.length), folder);
}

async function bootstrap(): Promise<void> {
  const app = await NestFactory.create<NestExpressApplication>(AppModule);
  app.enableShutdownHooks();
  // The page's scripts are served from this app, never from a CDN, so it works offline.
  app.useStaticAssets(join(here, '..', '..', '..', 'sample-app', 'public'));
  app.useStaticAssets(packageDir('@stomp/stompjs', 'bundles'), { prefix: '/vendor/' });
  const port = Number(process.env.PORT ?? 3000);
  await app.listen(port);
  new Logger('SampleApp').log(`Open http://localhost:${port}/ (STOMP endpoint: SockJS /block, WebSocket /block/websocket)`);
}

void bootstrap();
