import type { NestExpressApplication } from '@nestjs/platform-express';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

const require = createRequire(import.meta.url);

/** sample-app/public, found upwards from this file: from sample-app/src (tests) and from sample-app/dist/sample-app/src (npm start, nest start). */
export const PUBLIC_DIR = findUp(dirname(fileURLToPath(import.meta.url)), join('sample-app', 'public'));

function findUp(from: string, relative: string): string {
  for (let dir = from; ; dir = dirname(dir)) {
    if (existsSync(join(dir, relative, 'index.html'))) return join(dir, relative);
    if (dirname(dir) === dir) throw new Error(`${relative} not found above ${from}`);
  }
}

/** A folder inside an installed package, found from its entry point (its `exports` hide package.json and the rest). */
function packageDir(name: string, folder: string): string {
  const entry = require.resolve(name);
  const root = `${sep}node_modules${sep}${name.split('/').join(sep)}${sep}`;
  return join(entry.slice(0, entry.lastIndexOf(root) + root.length), folder);
}

/**
 * Serves the page and its scripts from this app, never from a CDN, so it works offline:
 * sample-app/public at `/`, @stomp/stompjs's UMD bundle and uPlot under `/vendor/`.
 * sockjs-client comes from the STOMP endpoint itself (`<endpoint>/sockjs-client.min.js`).
 */
export function serveSamplePages(app: NestExpressApplication): void {
  app.useStaticAssets(PUBLIC_DIR);
  app.useStaticAssets(packageDir('@stomp/stompjs', 'bundles'), { prefix: '/vendor/stompjs/' });
  app.useStaticAssets(packageDir('uplot', 'dist'), { prefix: '/vendor/uplot/' });
}
