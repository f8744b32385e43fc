import type { StompHeaders } from './stomp-frame.interface.js';

/** The authenticated user of a session; `name` is what user destinations resolve against. */
export interface StompPrincipal {
  name: string;
  [key: string]: unknown;
}

/** What the `authenticate` hook knows about a connecting client. */
export interface StompConnectInfo {
  /** Headers of the CONNECT frame (`login`, `passcode`, any token header). */
  headers: StompHeaders;
  /** The URL of the HTTP request that opened the transport, with its query string. */
  url: string;
  remoteAddress: string | undefined;
  /** HTTP request headers that the transport lets through (SockJS hides cookies and Authorization). */
  requestHeaders: Record<string, string | string[] | undefined>;
  transport: string;
  sessionId: string;
}
