import type { StompFrame } from '../../interfaces/stomp-frame.interface.js';

/** What a frame held in memory costs: its body and its header text (UTF-16 length: close enough for a bound). */
export function heldFrameBytes(frame: StompFrame): number {
  let size = frame.body.length;
  for (const name in frame.headers) size += name.length + frame.headers[name].length + 2;
  return size;
}
