import type { NestExpressApplication } from '@nestjs/platform-express';
import type { Response } from 'express';
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

const require = createRequire(import.meta.url);

/** sample-app/public, found upwards from this file: from sample-app/src (tests) and from sample-app/dist/sample-app/src (npm start, nest start). */
export const PUBLIC_DIR = findUp(dirname(fileURLToPath(import.meta.url)), join('sample-app', 'public'), 'index.html');

/** The helper's source, beside the library sources the sample imports (../../../lib) whichever way it runs. */
const CLIENT_HELPER_SOURCE = join(
  findUp(dirname(fileURLToPath(import.meta.url)), join('lib', 'client'), 'resumable-subscriptions.ts'),
  'resumable-subscriptions.ts',
);

function findUp(from: string, relative: string, file: string): string {
  for (let dir = from; ; dir = dirname(dir)) {
    if (existsSync(join(dir, relative, file))) return join(dir, relative);
    if (dirname(dir) === dir) throw new Error(`${relative} not found above ${from}`);
  }
}

/** A folder inside an installed package, found from its entry point (its `exports` hide package.json and the rest). */
function packageDir(name: string, folder: string): string {
  const entry = require.resolve(name);
  const root = `${sep}node_modules${sep}${name.split('/').join(sep)}${sep}`;
  return join(entry.slice(0, entry.lastIndexOf(root) + root.length), folder);
}

let clientHelper: Promise<string> | undefined;

/**
 * `nestjs-stomp/client` as the page loads it: an app that installed the package serves
 * node_modules/nestjs-stomp/dist/client/resumable-subscriptions.js; the sample runs on the library's
 * sources, so it strips the types of the same file (it has no imports), once, on the first request.
 */
function clientHelperScript(): Promise<string> {
  clientHelper ??= import('typescript').then(
    ({ default: ts }) =>
      ts.transpileModule(readFileSync(CLIENT_HELPER_SOURCE, 'utf8'), {
        compilerOptions: { target: ts.ScriptTarget.ES2022, module: ts.ModuleKind.ESNext },
      }).outputText,
  );
  return clientHelper;
}

/**
 * Serves the page and its scripts from this app, never from a CDN, so it works offline:
 * sample-app/public at `/`, @stomp/stompjs's UMD bundle, uPlot and the resume helper under `/vendor/`.
 * sockjs-client comes from the STOMP endpoint itself (`<endpoint>/sockjs-client.min.js`).
 */
export function serveSamplePages(app: NestExpressApplication): void {
  app.use('/vendor/nestjs-stomp/client.js', (_request: unknown, response: Response) => {
    clientHelperScript().then(
      (script) => response.type('text/javascript').send(script),
      (error: unknown) =>
        response
          .status(500)
          .type('text/plain')
          .send(`Could not build the client helper: ${String(error)}`),
    );
  });
  app.useStaticAssets(PUBLIC_DIR);
  app.useStaticAssets(packageDir('@stomp/stompjs', 'bundles'), { prefix: '/vendor/stompjs/' });
  app.useStaticAssets(packageDir('uplot', 'dist'), { prefix: '/vendor/uplot/' });
}
