import type { ParamData } from '@nestjs/common';
import type { ParamsFactory } from '@nestjs/core';
import type { StompSession } from '../../engine/session/stomp.session.js';
import { StompParamtype } from './handler.constants.js';
import type { StompMessage } from './stomp-message.js';

/** The arguments of every STOMP handler invocation, in the order `switchToWs()` expects. */
export type StompHandlerArgs = [session: StompSession, payload: unknown, message: StompMessage];

function property(value: unknown, name: ParamData | undefined): unknown {
  if (name === undefined || typeof name !== 'string') return value;
  return typeof value === 'object' && value !== null ? (value as Record<string, unknown>)[name] : undefined;
}

/** Resolves our parameter decorators from `[session, payload, message]` (asked by the handler invoker). */
export class StompParamsFactory implements ParamsFactory {
  exchangeKeyForValue(type: number, data: ParamData | undefined, args: StompHandlerArgs): unknown {
    const [session, payload, message] = args;
    switch (type as StompParamtype) {
      case StompParamtype.SESSION:
        return session;
      case StompParamtype.PAYLOAD:
        return property(payload, data);
      case StompParamtype.HEADER:
        return property(message.headers, data);
      case StompParamtype.HEADERS:
        return { ...message.headers };
      case StompParamtype.DESTINATION_VARIABLE:
        return property(message.destinationVariables, data);
      case StompParamtype.PRINCIPAL:
        return session.principal;
      default:
        return undefined;
    }
  }
}
