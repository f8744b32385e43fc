/** Commands a client may send (STOMP 1.2 "Client Frames"); `STOMP` is the 1.1+ alias of CONNECT. */
export type ClientCommand =
  'CONNECT' | 'STOMP' | 'SEND' | 'SUBSCRIBE' | 'UNSUBSCRIBE' | 'ACK' | 'NACK' | 'BEGIN' | 'COMMIT' | 'ABORT' | 'DISCONNECT';

/** Commands the server sends. */
export type ServerCommand = 'CONNECTED' | 'MESSAGE' | 'RECEIPT' | 'ERROR';

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
