import { StompOptionsError } from '../errors/options.error.js';

/** The `asyncApi` option of `StompModule.forRoot`: the document is always built; `path` also serves it over HTTP. */
export interface StompAsyncApiOptions {
  /** HTTP path that serves the document as JSON (e.g. `/asyncapi.json`); none = only `StompAsyncApi.document()`. */
  path?: string;
  title?: string;
  version?: string;
  description?: string;
  /** `host[:port]` named in `servers` when the document is not served (the served one names the request's Host). Default `localhost`. */
  host?: string;
}

export interface ResolvedAsyncApiOptions {
  path: string | undefined;
  title: string;
  version: string;
  description: string | undefined;
  host: string;
}

const text = (value: unknown, name: string): string | undefined => {
  if (value === undefined) return undefined;
  if (typeof value !== 'string' || value === '') {
    throw new StompOptionsError(`StompModule option 'asyncApi.${name}' must be a non-empty string, got ${JSON.stringify(value)}`);
  }
  return value;
};

export function resolveAsyncApiOptions(value: StompAsyncApiOptions | undefined): ResolvedAsyncApiOptions {
  if (value !== undefined && (typeof value !== 'object' || value === null)) {
    throw new StompOptionsError(`StompModule option 'asyncApi' takes an object such as { path: '/asyncapi.json' }, got ${JSON.stringify(value)}`);
  }
  const path = text(value?.path, 'path');
  if (path !== undefined && (!path.startsWith('/') || /[\s?#]/.test(path))) {
    throw new StompOptionsError(`StompModule option 'asyncApi.path' must be a path such as '/asyncapi.json', got ${JSON.stringify(path)}`);
  }
  return {
    path,
    title: text(value?.title, 'title') ?? 'STOMP API',
    version: text(value?.version, 'version') ?? '1.0.0',
    description: text(value?.description, 'description'),
    host: text(value?.host, 'host') ?? 'localhost',
  };
}
