// Part of `npm run build`: ships sockjs-client's browser bundle inside dist/, so an app that installed
// the package can serve <endpoint>/sockjs-client.min.js without sockjs-client in its own dependencies.
import { copyFileSync, existsSync } from 'node:fs';
import { createRequire } from 'node:module';

const target = new URL('../dist/engine/transport/sockjs-client.min.js', import.meta.url);
if (!existsSync(new URL('../dist/engine/transport/', import.meta.url))) {
  console.error('copy-client-library: dist/engine/transport/ is missing; run tsc first');
  process.exit(1);
}
copyFileSync(createRequire(import.meta.url).resolve('sockjs-client/dist/sockjs.min.js'), target);
