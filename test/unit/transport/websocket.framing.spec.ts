import { describe, expect, it } from '@jest/globals';
import * as ws from 'ws';
import { BINARY_OPCODE, frameHeader, TEXT_OPCODE, writeMessage } from '../../../lib/engine/transport/websocket.framing.js';

/** The header `ws` itself writes for an unmasked, final, uncompressed server message. */
function wsHeader(opcode: number, length: number): Buffer {
  const { frame } = (ws as unknown as { Sender: { frame(data: Buffer, options: object): Buffer[] } }).Sender;
  return frame(Buffer.alloc(length), { fin: true, opcode, mask: false, readOnly: false, rsv1: false })[0];
}

describe('frameHeader', () => {
  it.each([0, 1, 125, 126, 200, 65535, 65536, 70000])('is the header ws writes for a %d-byte message, text and binary', (length) => {
    expect(frameHeader(TEXT_OPCODE, length).equals(wsHeader(TEXT_OPCODE, length))).toBe(true);
    expect(frameHeader(BINARY_OPCODE, length).equals(wsHeader(BINARY_OPCODE, length))).toBe(true);
    // Asked again (the shared last header), still right.
    expect(frameHeader(BINARY_OPCODE, length).equals(wsHeader(BINARY_OPCODE, length))).toBe(true);
  });

  it('writes header then data to the socket', () => {
    const chunks: Buffer[] = [];
    writeMessage({ write: (chunk) => chunks.push(chunk) > 0 }, TEXT_OPCODE, Buffer.from('MESSAGE\n\n\0'));
    expect(Buffer.concat(chunks).equals(Buffer.concat([wsHeader(TEXT_OPCODE, 10), Buffer.from('MESSAGE\n\n\0')]))).toBe(true);
  });
});
