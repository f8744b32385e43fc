import { createRequire } from 'node:module';
import { readFileSync } from 'node:fs';

/** The name the endpoint serves sockjs-client under, and the file the build copies next to this module. */
export const CLIENT_LIBRARY_FILE = 'sockjs-client.min.js';

let cached: Buffer | undefined;

/**
 * The sockjs-client script the iframe transports and the README's page load. An installed package
 * carries its own copy (the build copies it next to this file, see scripts/copy-client-library.mjs),
 * because sockjs-client is only a devDependency; running from source falls back to the dev copy.
 * Throws when neither exists, and the caller answers 500.
 */
export function clientLibrary(): Buffer {
  if (cached) return cached;
  try {
    cached = readFileSync(new URL(`./${CLIENT_LIBRARY_FILE}`, import.meta.url));
  } catch {
    cached = readFileSync(createRequire(import.meta.url).resolve('sockjs-client/dist/sockjs.min.js'));
  }
  return cached;
}
