import type { IncomingMessage } from 'node:http';

/**
 * Decides whether a browser page may open a session. Requests without an Origin header come
 * from non-browser clients, which the same-origin policy does not concern (Spring agrees).
 * Without `allowedOrigins` only the server's own origin is allowed, as in Spring: same scheme,
 * host and port. Behind a TLS-terminating proxy the scheme is the proxy's `X-Forwarded-Proto`
 * (a browser page cannot set that header on a WebSocket or SockJS request, so it cannot forge it).
 */
export class OriginPolicy {
  private readonly anyOrigin: boolean;
  private readonly exact = new Set<string>();
  private readonly patterns: RegExp[] = [];

  constructor(allowedOrigins: readonly string[] | undefined) {
    this.anyOrigin = allowedOrigins?.includes('*') ?? false;
    for (const origin of allowedOrigins ?? []) {
      if (origin.includes('*')) this.patterns.push(wildcardToRegExp(origin));
      else this.exact.add(origin.toLowerCase());
    }
  }

  allows(request: IncomingMessage): boolean {
    const origin = request.headers.origin;
    if (origin === undefined || this.anyOrigin) return true;
    const normalized = origin.toLowerCase();
    if (this.exact.has(normalized) || this.patterns.some((p) => p.test(normalized))) return true;
    return isSameOrigin(normalized, request.headers.host, schemeOf(request));
  }
}

function schemeOf(request: IncomingMessage): string {
  const forwarded = request.headers['x-forwarded-proto'];
  const first = (Array.isArray(forwarded) ? forwarded[0] : forwarded)?.split(',', 1)[0].trim().toLowerCase();
  if (first) return first;
  return (request.socket as { encrypted?: boolean }).encrypted ? 'https' : 'http';
}

function isSameOrigin(origin: string, host: string | undefined, scheme: string): boolean {
  if (!host) return false;
  try {
    const url = new URL(origin);
    return url.protocol === `${scheme}:` && url.host === new URL(`${scheme}://${host.toLowerCase()}`).host;
  } catch {
    return false;
  }
}

function wildcardToRegExp(pattern: string): RegExp {
  const escaped = pattern
    .toLowerCase()
    .replace(/[.+?^${}()|[\]\\]/g, '\\$&')
    .replace(/\*/g, '[^/]*');
  return new RegExp(`^${escaped}$`);
}
