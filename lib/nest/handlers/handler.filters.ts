import type { ApplicationConfig, NestContainer } from '@nestjs/core';
import { EXCEPTION_FILTERS_METADATA, selectExceptionFilterMetadata, type ExceptionFilterMetadata } from '@nestjs/common/internal';
import { BaseExceptionFilterContext } from '@nestjs/core/internal';
import { catchError, from, ignoreElements, isObservable } from 'rxjs';
import { StompArgumentsHost } from './stomp-arguments.host.js';

/**
 * The exception filters of one handler, most specific first: method, class, then global ones
 * (`app.useGlobalFilters()` and `APP_FILTER`, both kept by the ApplicationConfig).
 */
export class StompExceptionFilterContext extends BaseExceptionFilterContext {
  constructor(
    container: NestContainer,
    private readonly config: ApplicationConfig,
  ) {
    super(container);
  }

  create(instance: object, callback: (...args: unknown[]) => unknown, moduleKey: string): ExceptionFilterMetadata[] {
    this.moduleContext = moduleKey;
    const filters: ExceptionFilterMetadata[] = this.createContext(instance, callback, EXCEPTION_FILTERS_METADATA);
    return filters.reverse();
  }

  override getGlobalMetadata<T extends unknown[]>(): T {
    return this.config.getGlobalFilters() as unknown as T;
  }
}

type Target = (...args: unknown[]) => Promise<unknown>;

/**
 * Runs the first user filter that catches the error; `undefined` from it means "not handled" (Nest
 * 12's rule outside HTTP), so the error goes on to the default report. Observable errors too.
 */
export function withExceptionFilters(target: Target, filters: ExceptionFilterMetadata[], type: string): Target {
  const filter = async (error: unknown, args: unknown[]): Promise<void> => {
    const handled: unknown = selectExceptionFilterMetadata(filters, error)?.func(error, new StompArgumentsHost(args, type));
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
