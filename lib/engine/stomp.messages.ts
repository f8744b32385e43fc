import { clipForError as clip } from './errors/protocol.error.js';

/**
 * What a client reads in an ERROR frame's `message` (and on its error destination), in one place: the
 * wording is part of the product, and client text echoed here is always clipped.
 */
export const CLIENT_MESSAGES = {
  headerTooLong: 'Header line too long',
  bareCr: 'Bare CR in header line',
  unknownCommand: (name: string) => `Unknown command '${clip(name)}'`,
  notText: (type: string) => `A SockJS message must be a JSON string holding STOMP frames, got a ${type}`,
  tooManyHeaders: 'Too many headers',
  headerWithoutColon: 'Header line without a colon',
  emptyHeaderName: 'Empty header name',
  paddedHeaderName: (name: string) => `Header name '${clip(name)}' has leading or trailing whitespace`,
  badContentLength: 'Invalid content-length header',
  missingNul: 'Frame body not terminated by NUL',
  frameTooLarge: 'Frame too large',
  headerContains: (what: string) => `Header contains ${what}`,
  badEscape: (raw: string) => `Invalid escape sequence in header: ${clip(raw)}`,
  badHeartBeat: 'Invalid heart-beat header',
  unsupportedVersion: 'Supported protocol versions are 1.0,1.1,1.2',
  transactionBegun: (id: string) => `Transaction '${clip(id)}' has already begun`,
  tooManyTransactions: (limit: number) => `At most ${limit} open transactions per session`,
  transactionFrames: (limit: number) => `A transaction holds at most ${limit} frames`,
  transactionBytes: (limit: number) => `Open transactions hold at most ${limit} bytes per session`,
  unknownTransaction: (id: string) => `Unknown transaction '${clip(id)}'`,
  missingHeader: (command: string, header: string) => `${command} requires a '${header}' header`,
  badAckMode: (mode: string) => `Invalid ack mode '${clip(mode)}'`,
  subscriptionInUse: (id: string) => `Subscription id '${clip(id)}' is already in use`,
  tooManySubscriptions: (limit: number) => `At most ${limit} subscriptions per session`,
  connectionRefused: 'Connection refused',
  authenticationFailed: 'Authentication failed',
  clientRegex: (destination: string) => `Regular expressions are not allowed in subscription destinations ('${clip(destination)}')`,
  unknownDestination: (destination: string) => `Unknown destination '${clip(destination)}'`,
  sendToUserDestination: (destination: string) => `Clients cannot send to user destinations ('${clip(destination)}')`,
  noHandler: (destination: string) => `No handler for destination '${clip(destination)}'`,
  patternTooComplex: (destination: string, segments: number, wildcards: number) =>
    `Subscription pattern too complex ('${clip(destination)}'): at most ${segments} segments and ${wildcards} wildcards per segment`,
  duplicateSubscription: (id: string) => `Duplicate subscription id '${clip(id)}'`,
  tooManyPatternSubscriptions: 'Too many pattern subscriptions on this server',
  connectTimeout: (ms: number) => `No CONNECT frame within ${ms} ms`,
  heartbeatTimeout: (ms: number) => `No heart-beat received for ${ms} ms`,
  inboundBacklog: (frames: number, bytes: number) => `Too many frames waiting to be handled (at most ${frames} frames, ${bytes} bytes)`,
  notConnected: (command: string) => `Send CONNECT first (got ${command})`,
  notAClientCommand: (command: string) => `A client cannot send ${command}`,
  alreadyConnected: 'This session is already connected',
  accessDenied: (action: 'send' | 'subscribe', destination: string) =>
    `Access denied: ${action === 'send' ? 'SEND to' : 'SUBSCRIBE to'} '${clip(destination)}'`,
  invalidUserDestination: (destination: string) =>
    `Invalid user destination '${clip(destination)}': subscribe to an exact one such as '/user/queue/messages'`,
  queuePattern: (destination: string) => `'${clip(destination)}' is a queue: subscribe to one queue by its exact name`,
  queueFull: (destination: string, which: string, limit: string) => `Queue '${clip(destination)}' is full (${which} at most ${limit})`,
  badPrefetch: (value: string) => `Invalid prefetch-count '${clip(value)}' (a whole number, 0 for no limit)`,
  nothingToRelay: (destination: string) => `Destination '${clip(destination)}' names nothing to relay`,
  reservedForRelay: (destination: string) => `Destination '${clip(destination)}' is reserved for the broker relay`,
  brokerUnavailable: 'Broker not available',
  brokerRefused: 'The broker refused a frame; this one is not confirmed',
  invalidRelayHeader: (name: string, value: string, expected: string) =>
    `Header '${name}' cannot be '${clip(value)}' through the broker relay: ${expected}`,
  offsetOnPattern: (header: string, destination: string) =>
    `'${header}' needs one destination, not a pattern ('${clip(destination)}'): offsets are per destination`,
  emptyEpoch: (header: string) => `'${header}' must not be empty`,
  badOffset: (header: string, value: string) => `'${header}' must be next, first, last or an offset such as 42, got '${clip(value)}'`,
} as const;

/** Why the app refuses to start: each says what to write instead. */
export const BOOTSTRAP_MESSAGES = {
  notABrokerDestination: (destination: string) =>
    `SimpMessagingTemplate: '${destination}' is not a broker destination; brokerPrefixes are what subscribers can listen on`,
  scopedHandler: (handler: string) =>
    `${handler}: STOMP handlers live for the whole app, so their class cannot be request-scoped or transient`,
  uncapturedVariable: (handler: string, destination: string, variable: string, pattern: string) =>
    `${handler}: '${destination}' uses {${variable}}, which mapping '${pattern}' does not capture`,
  sendToOutsideBroker: (handler: string, destination: string, prefixes: readonly string[]) =>
    `${handler}: @SendTo('${destination}') is not under a broker prefix (${prefixes.join(', ')})`,
  twoMappings: (handler: string) => `${handler} has both @MessageMapping and @SubscribeMapping: pick one`,
  noHttpServer: 'StompModule needs an HTTP application: create the app with NestFactory.create(), not createApplicationContext()',
  gatewayPort: (port: number) =>
    `StompAdapter serves gateways on the STOMP endpoint: write @WebSocketGateway() without a port (got ${port})`,
  adapterWithoutModule: 'StompAdapter needs StompModule.forRoot() in the application',
  paramDecoratorPlacement: 'STOMP parameter decorators apply to handler method parameters only',
  notAnOptionsFactory: (name: string) => `${name} must implement StompOptionsFactory: add a createStompOptions() method`,
} as const;
