import type { ArgumentsHost } from '@nestjs/common';
import type { ExternalContextCreator } from '@nestjs/core';
import { catchError, from, ignoreElements, isObservable } from 'rxjs';
import { STOMP_CONTEXT_TYPE } from '../stomp.tokens.js';
import { STOMP_ARGS_METADATA, StompParamtype } from './handler.constants.js';
import { StompParamsFactory, type StompHandlerArgs } from './params.factory.js';
import { StompArgumentsHost } from './stomp-arguments.host.js';

/** A handler wrapped in Nest's guards, pipes, interceptors and filters; resolves to its (unflattened) result. */
export type StompInvocation = (...args: StompHandlerArgs) => Promise<unknown>;

/** The part of Nest's ExternalExceptionsHandler we use: the filters of one handler (method, class, global). */
interface ExceptionFilters {
  invokeCustomFilters(exception: unknown, host: ArgumentsHost): unknown;
}

type Target = (...args: unknown[]) => Promise<unknown>;

/**
 * Runs the matching user filter; `undefined` from it means "not handled" (Nest 12's rule outside
 * HTTP), so the error goes on to the default report. Observable errors are filtered the same way.
 */
function createFilteredProxy(target: Target, filters: ExceptionFilters, type: string): Target {
  const filter = async (error: unknown, args: unknown[]): Promise<void> => {
    const handled = filters.invokeCustomFilters(error, new StompArgumentsHost(args, type));
    if (handled === undefined) throw error;
    await handled;
  };
  return async (...args) => {
    try {
      const result = await target(...args);
      return isObservable(result) ? result.pipe(catchError((error: unknown) => from(filter(error, args)).pipe(ignoreElements()))) : result;
    } catch (error) {
      await filter(error, args);
      return undefined;
    }
  };
}

/** Spring treats an undecorated parameter as the payload: a handler without parameter decorators gets it first. */
function declareImplicitPayload(target: object, methodName: string, callback: Function): void {
  if (callback.length === 0 || Reflect.getMetadata(STOMP_ARGS_METADATA, target.constructor, methodName)) return;
  const metadata = { [`${StompParamtype.PAYLOAD}:0`]: { index: 0, data: undefined, pipes: [] } };
  Reflect.defineMetadata(STOMP_ARGS_METADATA, metadata, target.constructor, methodName);
}

/**
 * Wraps handler methods with Nest's `ExternalContextCreator` (context type 'stomp'), adjusting
 * three of its behaviours for one handler at a time, on a child object so Nest's own is untouched:
 * - module key: for a class that is only a `@Controller`, Nest looks for it among providers, finds
 *   nothing and silently drops its class-level enhancers (class guards never run); we name the module;
 * - results: Nest keeps only the last value of an Observable; every emission is a reply here;
 * - errors: user filters first, then our default report instead of Nest's log-and-rethrow.
 */
export class HandlerInvoker {
  private readonly paramsFactory = new StompParamsFactory();

  constructor(private readonly contextCreator: ExternalContextCreator) {}

  create(instance: object, methodName: string, moduleKey: string | undefined): StompInvocation {
    const external = this.contextCreator;
    const callback = (instance as Record<string, (...args: unknown[]) => unknown>)[methodName];
    declareImplicitPayload(instance, methodName, callback);
    const scoped: ExternalContextCreator = Object.create(external, {
      getContextModuleKey: { value: (ctor: Function | undefined) => moduleKey || external.getContextModuleKey(ctor) },
      transformToResult: { value: async (result: unknown) => result },
      externalErrorProxy: { value: { createProxy: createFilteredProxy } },
    });
    return scoped.create(instance, callback, methodName, STOMP_ARGS_METADATA, this.paramsFactory, undefined, undefined, undefined, STOMP_CONTEXT_TYPE);
  }
}
