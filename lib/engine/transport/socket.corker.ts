import type { Writable } from 'node:stream';

/** Whoever corked a socket: counts what it wrote while corked. */
export interface CorkOwner {
  corkedBytes: number;
  /**
   * Set only while send-buffer metrics are on: called once each time the tick's corked writes go out, so
   * metrics look at a session's backlog once per flush, never per message. Off, it costs one load per flush.
   */
  flushed: (() => void) | undefined;
}

/**
 * Past this many bytes in one tick the socket is written out at once: batching helps small frames,
 * and the backlog a flow-control check sees must stay what the kernel has not taken, not what we held.
 */
export const MAX_CORKED_BYTES = 16 * 1024;

const sockets: Writable[] = [];
const owners: CorkOwner[] = [];

function uncorkAll(): void {
  for (let i = 0; i < sockets.length; i++) {
    sockets[i].uncork();
    const owner = owners[i];
    const corked = owner.corkedBytes;
    owner.corkedBytes = 0;
    // A socket uncorked early (past the cap) and corked again is listed twice: observed at its first entry only.
    if (owner.flushed !== undefined && corked !== 0) owner.flushed();
  }
  sockets.length = 0;
  owners.length = 0;
}

/**
 * Holds a socket's writes until the current tick ends, so a fan-out that sends this socket
 * several frames costs one write syscall, not one per frame (the profile showed `writev` at
 * three quarters of the server's time). One shared list and one nextTick for all sockets:
 * nothing is allocated per message. Call it before each write of `bytes`.
 */
export function corkUntilNextTick(socket: Writable, owner: CorkOwner, bytes: number): void {
  if (owner.corkedBytes + bytes > MAX_CORKED_BYTES) {
    uncorkNow(socket);
    owner.corkedBytes = 0;
    // A frame past the cap goes straight to the kernel: held corked, it would count as backlog the client
    // never refused, and the next frames of the tick would overflow the session's send budget.
    if (bytes > MAX_CORKED_BYTES) return;
  }
  owner.corkedBytes += bytes;
  if (socket.writableCorked > 0 || socket.destroyed) return;
  socket.cork();
  if (sockets.push(socket) === 1) process.nextTick(uncorkAll);
  owners.push(owner);
}

/** Writes out now what a socket holds corked, before the socket is closed or destroyed. */
export function uncorkNow(socket: Writable | undefined): void {
  while (socket && socket.writableCorked > 0) socket.uncork();
}
