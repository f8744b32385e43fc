import type { PipeTransform, Type } from '@nestjs/common';
import type { StompSession as Session } from '../../engine/session/stomp.session.js';
import { STOMP_ARGS_METADATA, StompParamtype } from '../handlers/handler.constants.js';
import { BOOTSTRAP_MESSAGES } from '../../engine/stomp.messages.js';

type Pipe = Type<PipeTransform> | PipeTransform;

/** Records one parameter the way Nest's own param decorators do (`"<type>:<index>" → { index, data, pipes }`). */
function stompParam(type: StompParamtype, data: string | undefined, pipes: Pipe[]): ParameterDecorator {
  return (target, key, index) => {
    if (key === undefined) throw new Error(BOOTSTRAP_MESSAGES.paramDecoratorPlacement);
    const existing: Record<string, unknown> = Reflect.getMetadata(STOMP_ARGS_METADATA, target.constructor, key) ?? {};
    const metadata = { ...existing, [`${type}:${index}`]: { index, data, pipes } };
    Reflect.defineMetadata(STOMP_ARGS_METADATA, metadata, target.constructor, key);
  };
}

function split(propertyOrPipe: string | Pipe | undefined, pipes: Pipe[]): [string | undefined, Pipe[]] {
  if (propertyOrPipe === undefined || typeof propertyOrPipe === 'string') return [propertyOrPipe, pipes];
  return [undefined, [propertyOrPipe, ...pipes]];
}

/**
 * The converted message body (JSON → object, text → string, binary → Buffer), or one property of
 * it; pipes (e.g. `ValidationPipe`) run on it.
 */
export function Payload(propertyOrPipe?: string | Pipe, ...pipes: Pipe[]): ParameterDecorator {
  return stompParam(StompParamtype.PAYLOAD, ...split(propertyOrPipe, pipes));
}

/**
 * One header of the incoming frame (Spring's `@Header`; named apart from `@nestjs/common`'s
 * `@Header`, which sets an HTTP response header).
 */
export function MessageHeader(name: string, ...pipes: Pipe[]): ParameterDecorator {
  return stompParam(StompParamtype.HEADER, name, pipes);
}

/** All headers of the incoming frame as a plain object (Spring's `@Headers`; named apart from Nest's `@Headers`). */
export function MessageHeaders(): ParameterDecorator {
  return stompParam(StompParamtype.HEADERS, undefined, []);
}

/** A `{var}` captured from the destination by the mapping's pattern; without a name, all of them. */
export function DestinationVariable(name?: string, ...pipes: Pipe[]): ParameterDecorator {
  return stompParam(StompParamtype.DESTINATION_VARIABLE, name, pipes);
}

/** The principal returned by the `authenticate` hook, or undefined for an anonymous session. */
export function Principal(): ParameterDecorator {
  return stompParam(StompParamtype.PRINCIPAL, undefined, []);
}

/**
 * The session type under the decorator's name, so `@StompSession() session: StompSession` needs one
 * import (a type and a function of the same name live side by side).
 */
export type StompSession = Session;

/** The sender's `StompSession` (id, userName, principal, attributes). */
export function StompSession(): ParameterDecorator {
  return stompParam(StompParamtype.SESSION, undefined, []);
}
