import { ForbiddenException, type ArgumentMetadata, type ParamData, type PipeTransform } from '@nestjs/common';
import { CUSTOM_ROUTE_ARGS_METADATA } from '@nestjs/common/constants.js';
import { STOMP_CONTEXT_TYPE } from '../stomp.tokens.js';
import { STOMP_ARGS_METADATA, StompParamtype } from './handler.constants.js';
import type { HandlerEnhancers } from './handler.enhancers.js';
import { withExceptionFilters } from './handler.filters.js';
import { StompParamsFactory, type StompHandlerArgs } from './params.factory.js';

/** A handler wrapped in Nest's guards, pipes, interceptors and filters; resolves to its (unflattened) result. */
export type StompInvocation = (...args: StompHandlerArgs) => Promise<unknown>;

type Callback = (...args: unknown[]) => unknown;

/** What one parameter decorator stored, as Nest's `assignMetadata` and `createParamDecorator` write it. */
interface ParamMetadata {
  index: number;
  data: ParamData;
  pipes: unknown[];
  factory?: (...args: unknown[]) => unknown;
  schema?: ArgumentMetadata['schema'];
}

/** One parameter ready to resolve: where its value comes from and the pipes it goes through. */
interface ResolvedParam {
  index: number;
  extract: (args: unknown[]) => unknown;
  metadata: ArgumentMetadata;
  pipes: PipeTransform[];
}

/** Spring treats an undecorated parameter as the payload: a handler without parameter decorators gets it first. */
function declareImplicitPayload(target: object, methodName: string, callback: Function): void {
  if (callback.length === 0 || Reflect.getMetadata(STOMP_ARGS_METADATA, target.constructor, methodName)) return;
  const metadata = { [`${StompParamtype.PAYLOAD}:0`]: { index: 0, data: undefined, pipes: [] } };
  Reflect.defineMetadata(STOMP_ARGS_METADATA, metadata, target.constructor, methodName);
}

/**
 * Wraps handler methods in Nest's enhancers (context type 'stomp'), in Nest's order: guards, then
 * interceptors around pipes and the method, filters around it all. Three choices differ from
 * Nest's ExternalContextCreator, which is why it is composed here rather than used:
 * - module key: the module that declares the class, given by the explorer; for a class that is
 *   only a `@Controller`, Nest's lookup among providers finds nothing and drops its class-level
 *   enhancers (class guards would never run);
 * - results: an Observable is returned as it is, so every emission is a reply (Nest keeps the last);
 * - errors: user filters first, then our default report instead of Nest's log-and-rethrow.
 */
export class HandlerInvoker {
  private readonly paramsFactory = new StompParamsFactory();

  constructor(private readonly nest: HandlerEnhancers) {}

  create(instance: object, methodName: string, moduleKey = ''): StompInvocation {
    const { nest } = this;
    const callback = (instance as Record<string, Callback>)[methodName];
    declareImplicitPayload(instance, methodName, callback);
    const pipes = nest.pipes.create(instance, callback, moduleKey);
    const guards = nest.guards.create(instance, callback, moduleKey);
    const interceptors = nest.interceptors.create(instance, callback, moduleKey);
    const filters = nest.filters.create(instance, callback, moduleKey);
    const metadata: Record<string, ParamMetadata> = nest.utils.reflectCallbackMetadata(instance, methodName, STOMP_ARGS_METADATA) ?? {};
    const argsLength = nest.utils.getArgumentsLength(Object.keys(metadata), metadata);
    const params = this.params(instance, methodName, metadata, moduleKey, pipes);

    const invoke = async (args: unknown[]): Promise<unknown> => {
      if (params.length === 0) return callback.apply(instance, args);
      const values: unknown[] = nest.utils.createNullArray(argsLength);
      await Promise.all(params.map(async (p) => (values[p.index] = await this.pipe(p.extract(args), p.metadata, p.pipes))));
      return callback.apply(instance, values);
    };
    const target = async (...args: unknown[]): Promise<unknown> => {
      if (guards.length > 0 && !(await nest.guardsConsumer.tryActivate(guards, args, instance, callback, STOMP_CONTEXT_TYPE))) {
        throw new ForbiddenException('Forbidden resource');
      }
      return nest.interceptorsConsumer.intercept(interceptors, args, instance, callback, () => invoke(args), STOMP_CONTEXT_TYPE);
    };
    return withExceptionFilters(target, filters, STOMP_CONTEXT_TYPE) as StompInvocation;
  }

  private pipe(value: unknown, metadata: ArgumentMetadata, pipes: PipeTransform[]): unknown {
    return pipes.length === 0 ? value : this.nest.pipesConsumer.apply(value, metadata, pipes);
  }

  /** Our decorators resolve through StompParamsFactory, `createParamDecorator` ones through their factory. */
  private params(
    instance: object,
    methodName: string,
    metadata: Record<string, ParamMetadata>,
    moduleKey: string,
    pipes: PipeTransform[],
  ): ResolvedParam[] {
    const { utils, pipes: pipesCreator } = this.nest;
    const contextFactory = utils.getContextFactory(STOMP_CONTEXT_TYPE, instance, (instance as Record<string, Callback>)[methodName]);
    pipesCreator.setModuleContext(moduleKey);
    const properties = Object.entries(metadata).map(([key, { index, data, pipes: paramPipes, factory, schema }]) => {
      const type = utils.mapParamType(key);
      const custom = key.includes(CUSTOM_ROUTE_ARGS_METADATA) && factory;
      const numeric = Number(type);
      const extractValue = custom
        ? utils.getCustomFactory(factory, data, contextFactory)
        : (...args: unknown[]) => this.paramsFactory.exchangeKeyForValue(numeric, data, args as StompHandlerArgs);
      return {
        index,
        type: custom ? type : numeric,
        data,
        schema,
        extractValue,
        pipes: pipesCreator.createConcreteContext(paramPipes) as PipeTransform[],
      };
    });
    const paramtypes = utils.reflectCallbackParamtypes(instance, methodName);
    const merged = properties.length > 0 ? utils.mergeParamsMetatypes(properties, paramtypes) : [];
    utils.warnOnMissingParamtypes(instance, methodName, paramtypes, pipes, merged);
    return merged.map(({ index, type, data, schema, metatype, extractValue, pipes: paramPipes }) => ({
      index,
      extract: (args) => (extractValue as (...a: unknown[]) => unknown)(...args),
      metadata: { type, data, schema, metatype } as ArgumentMetadata,
      pipes: pipes.concat(paramPipes),
    }));
  }
}
