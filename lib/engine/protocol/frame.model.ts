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
] as const;

/** Commands the server sends. */
export const SERVER_COMMANDS = ['CONNECTED', 'MESSAGE', 'RECEIPT', 'ERROR'] as const;

export type ClientCommand = (typeof CLIENT_COMMANDS)[number];
export type ServerCommand = (typeof SERVER_COMMANDS)[number];
export type StompCommand = ClientCommand | ServerCommand;

/** Header names to values; the parser keeps the first of repeated headers, as STOMP 1.2 requires. */
export type StompHeaders = Record<string, string>;

/** STOMP protocol versions this server speaks, newest first. */
export type StompVersion = '1.0' | '1.1' | '1.2';

/** One decoded STOMP frame. */
export interface StompFrame {
  command: StompCommand;
  headers: StompHeaders;
  body: Buffer;
}
