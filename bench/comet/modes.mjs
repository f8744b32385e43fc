// The five ways of following the dashboard that `npm run bench:comet` compares, in the order it runs them.
export const MODES = [
  { key: 'polling', label: 'HTTP polling (GET every 1 s)', short: 'polling', http: true },
  { key: 'long-polling', label: 'HTTP long polling', short: 'long polling', http: true },
  { key: 'xhr-streaming', label: 'SockJS xhr-streaming + STOMP', short: 'SockJS xhr-streaming', http: false },
  { key: 'sockjs-websocket', label: 'SockJS websocket + STOMP', short: 'SockJS websocket', http: false },
  { key: 'websocket', label: 'raw WebSocket + STOMP', short: 'raw WebSocket', http: false },
];

export const MODE_KEYS = MODES.map((m) => m.key);
