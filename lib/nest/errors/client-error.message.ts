import { HttpException } from '@nestjs/common';
import { StompException } from '../../engine/errors/stomp.exception.js';

/** Nest's WsException and RpcException, recognised by shape so this library needs neither package. */
interface ErrorCarrier {
  getError(): unknown;
}

const INTERNAL = 'Internal error';

function isErrorCarrier(exception: unknown): exception is Error & ErrorCarrier {
  return exception instanceof Error && typeof (exception as Partial<ErrorCarrier>).getError === 'function';
}

function messageOf(value: unknown): string | undefined {
  if (typeof value === 'string') return value;
  if (typeof value !== 'object' || value === null) return undefined;
  const message = (value as { message?: unknown }).message;
  if (Array.isArray(message)) return message.map(String).join('; ');
  return typeof message === 'string' ? message : undefined;
}

function isClientSafe(exception: unknown): boolean {
  return exception instanceof StompException || exception instanceof HttpException || isErrorCarrier(exception);
}

/** True for the client's own faults (bad input, denied): logged as a warning line, not an error with a stack. */
export function isClientFault(exception: unknown): boolean {
  return isClientSafe(exception) && !(exception instanceof HttpException && exception.getStatus() >= 500);
}

/**
 * The message a client may see: StompException, HttpException and WsException/RpcException messages
 * (ValidationPipe's list joined by "; "); anything else is "Internal error".
 */
export function clientErrorMessage(exception: unknown): string {
  if (!isClientSafe(exception)) return INTERNAL;
  if (exception instanceof HttpException) return messageOf(exception.getResponse()) ?? exception.message;
  if (isErrorCarrier(exception)) return messageOf(exception.getError()) ?? INTERNAL;
  return (exception as Error).message;
}
