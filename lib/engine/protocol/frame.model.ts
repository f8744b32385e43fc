import type { ClientCommand, ServerCommand } from '../../interfaces/stomp-frame.interface.js';

/** Commands a client may send (STOMP 1.2 §"Client Frames"); `STOMP` is the 1.1+ alias of CONNECT. */
export const CLIENT_COMMANDS = [
  'CONNECT',
  'STOMP',
  'SEND',
  'SUBSCRIBE',
  'UNSUBSCRIBE',
  'ACK',
  'NACK',
  'BEGIN',
  'COMMIT',
  'ABORT',
  'DISCONNECT',
] as const satisfies readonly ClientCommand[];

/** Commands the server sends. */
export const SERVER_COMMANDS = ['CONNECTED', 'MESSAGE', 'RECEIPT', 'ERROR'] as const satisfies readonly ServerCommand[];
