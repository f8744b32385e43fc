import { StompProtocolError } from '../../errors/protocol.error.js';
import type { StompHeaders } from '../../../interfaces/stomp-frame.interface.js';
import { CLIENT_MESSAGES } from '../../stomp.messages.js';

/** Header names clients and tools rely on (RabbitMQ streams' `x-stream-offset`). */
export const STREAM_HEADERS = { offset: 'x-stream-offset', epoch: 'x-stream-epoch', gap: 'x-stream-gap' } as const;

/** Where a SUBSCRIBE asks its subscription to start. */
export type ResumeRequest =
  { from: 'next' } | { from: 'first' } | { from: 'last' } | { from: 'offset'; offset: number; epoch: string | undefined };

const DIGITS = /^(0|[1-9][0-9]{0,15})$/;

/** Reads `x-stream-offset` (and `x-stream-epoch`) of a SUBSCRIBE; anything else than next|first|last|<n> is MALFORMED_HEADER. */
export function resumeRequestOf(headers: StompHeaders): ResumeRequest {
  const value = headers[STREAM_HEADERS.offset];
  const epoch = headers[STREAM_HEADERS.epoch];
  if (epoch === '') throw malformed(CLIENT_MESSAGES.emptyEpoch(STREAM_HEADERS.epoch));
  if (value === undefined || value === 'next') return { from: 'next' };
  if (value === 'first' || value === 'last') return { from: value };
  if (!DIGITS.test(value) || !Number.isSafeInteger(Number(value))) {
    throw malformed(CLIENT_MESSAGES.badOffset(STREAM_HEADERS.offset, value));
  }
  return { from: 'offset', offset: Number(value), epoch };
}

function malformed(message: string): StompProtocolError {
  return new StompProtocolError('MALFORMED_HEADER', message);
}
