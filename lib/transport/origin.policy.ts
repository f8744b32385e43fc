import type { IncomingMessage } from 'node:http';

/**
 * Decides whether a browser page may open a session. Requests without an Origin header come
 * from non-browser clients, which the same-origin policy does not concern (Spring agrees).
 * Without `allowedOrigins` only the server's own origin is allowed, as in Spring.
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
    return isSameOrigin(normalized, request.headers.host);
  }
}

function isSameOrigin(origin: string, host: string | undefined): boolean {
  if (!host) return false;
  try {
    return new URL(origin).host === host.toLowerCase();
  } catch {
    return false;
  }
}

function wildcardToRegExp(pattern: string): RegExp {
  const escaped = pattern.toLowerCase().replace(/[.+?^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '[^/]*');
  return new RegExp(`^${escaped}$`);
}
