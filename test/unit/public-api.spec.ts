import { describe, expect, it } from '@jest/globals';
import type { ArgumentsHost } from '@nestjs/common';
import * as api from '../../lib/index.js';
import type {
  OverflowPolicy,
  StompAuthorizationRule,
  StompConnectInfo,
  StompModuleOptions,
  StompPrincipal,
  StompRelayOptions,
  StompSession,
} from '../../lib/index.js';

/** What an app imports from the package: every type its options use, the options token, and the context guard. */
describe('public API', () => {
  it('exports every type the options use (this file would not type-check otherwise)', () => {
    const relay: StompRelayOptions = { host: '127.0.0.1', port: 61613 };
    const rule: StompAuthorizationRule = { destination: '/topic/admin/**', subscribe: false };
    const policy: OverflowPolicy = 'drop-oldest';
    const authenticate = (info: StompConnectInfo): StompPrincipal => ({ name: info.headers.login ?? 'anonymous' });
    const options: StompModuleOptions = { relay, authorization: [rule], overflowPolicy: policy, authenticate };
    expect(api.StompModule.forRoot(options).module).toBe(api.StompModule);
  });

  it('exports the options token, so an app can inject the options it passed', () => {
    expect(typeof api.STOMP_MODULE_OPTIONS).toBe('symbol');
  });

  it('isStompContext narrows the client to the sending session', () => {
    const session = { id: 's1' } as StompSession;
    const host = { getType: () => 'stomp', switchToWs: () => ({ getClient: () => session }) } as unknown as ArgumentsHost;
    const other = { getType: () => 'http' } as unknown as ArgumentsHost;
    expect(api.isStompContext(other)).toBe(false);
    if (!api.isStompContext(host)) throw new Error('expected a STOMP context');
    // Typed without a type argument: `.id` would not compile on `any`-free code otherwise.
    const client: StompSession = host.switchToWs().getClient();
    expect(client.id).toBe('s1');
  });
});
