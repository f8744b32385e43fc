import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import { writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { StompAsyncApi } from '../../lib/index.js';
import { AppModule } from './app.module.js';

/**
 * `npm run asyncapi [file]`: the sample's AsyncAPI document, written to a file (default asyncapi.json).
 * The app is initialised (so every handler is discovered) but never listens, then closed.
 */
async function writeDocument(file: string): Promise<void> {
  const app = await NestFactory.create(AppModule, { logger: ['error', 'warn'] });
  await app.init();
  try {
    writeFileSync(file, `${JSON.stringify(app.get(StompAsyncApi).document(), null, 2)}\n`);
  } finally {
    await app.close();
  }
  console.log(`AsyncAPI document written to ${file}`);
}

void writeDocument(resolve(process.argv[2] ?? 'asyncapi.json'));
