import { Buffer } from 'node:buffer';

const FIN = 0x80;
export const TEXT_OPCODE = 0x1;
export const BINARY_OPCODE = 0x2;

let lastKey = -1;
let lastHeader: Buffer = Buffer.alloc(0);

/**
 * The header of one unmasked, unfragmented, uncompressed WebSocket message from the server (RFC 6455 §5.2),
 * which is all a server sends when no extension was negotiated. Headers are never changed once made, so
 * the last one is shared by the next message of the same type and length, as a fan-out's are.
 */
export function frameHeader(opcode: number, length: number): Buffer {
  const key = length * 4 + opcode;
  if (key === lastKey) return lastHeader;
  let header: Buffer;
  if (length <= 125) {
    header = Buffer.allocUnsafe(2);
    header[1] = length;
  } else if (length <= 0xffff) {
    header = Buffer.allocUnsafe(4);
    header[1] = 126;
    header.writeUInt16BE(length, 2);
  } else {
    header = Buffer.allocUnsafe(10);
    header[1] = 127;
    header.writeUInt32BE(Math.floor(length / 2 ** 32), 2);
    header.writeUInt32BE(length >>> 0, 6);
  }
  header[0] = FIN | opcode;
  lastKey = key;
  lastHeader = header;
  return header;
}

/** Writes one message to a socket that nothing but `ws` and this writes to, in order. */
export function writeMessage(socket: { write(chunk: Buffer): boolean }, opcode: number, data: Buffer): void {
  socket.write(frameHeader(opcode, data.length));
  socket.write(data);
}
