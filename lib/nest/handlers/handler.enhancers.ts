import type { ApplicationConfig, ModulesContainer, NestContainer } from '@nestjs/core';
import {
  ContextUtils,
  GuardsConsumer,
  GuardsContextCreator,
  InterceptorsConsumer,
  InterceptorsContextCreator,
  PipesConsumer,
  PipesContextCreator,
} from '@nestjs/core/internal';
import { StompExceptionFilterContext } from './handler.filters.js';

/** The Nest versions the building blocks below were tested with; the peer range says the same. */
export const TESTED_NEST = '@nestjs/core 12.5';

/**
 * Nest's own building blocks of an enhanced handler, composed the way @nestjs/websockets and
 * @nestjs/microservices compose them: one creator (what applies) and one consumer (how it runs)
 * per kind of enhancer. Nest exports them from `@nestjs/core/internal`, its entry point for sibling
 * packages rather than applications, so they are checked once at bootstrap (`checkBuildingBlocks`).
 */
export interface HandlerEnhancers {
  readonly utils: ContextUtils;
  readonly guards: GuardsContextCreator;
  readonly guardsConsumer: GuardsConsumer;
  readonly interceptors: InterceptorsContextCreator;
  readonly interceptorsConsumer: InterceptorsConsumer;
  readonly pipes: PipesContextCreator;
  readonly pipesConsumer: PipesConsumer;
  readonly filters: StompExceptionFilterContext;
}

/** Every member the invoker calls, by class: a Nest that renamed one fails here, not on the first message. */
const REQUIRED: ReadonlyArray<[name: string, type: unknown, members: string[]]> = [
  [
    'ContextUtils',
    ContextUtils,
    [
      'reflectCallbackMetadata',
      'reflectCallbackParamtypes',
      'getArgumentsLength',
      'createNullArray',
      'mergeParamsMetatypes',
      'mapParamType',
      'getCustomFactory',
      'getContextFactory',
      'warnOnMissingParamtypes',
    ],
  ],
  ['GuardsContextCreator', GuardsContextCreator, ['create']],
  ['GuardsConsumer', GuardsConsumer, ['tryActivate']],
  ['InterceptorsContextCreator', InterceptorsContextCreator, ['create']],
  ['InterceptorsConsumer', InterceptorsConsumer, ['intercept']],
  ['PipesContextCreator', PipesContextCreator, ['create', 'setModuleContext', 'createConcreteContext']],
  ['PipesConsumer', PipesConsumer, ['apply']],
  ['BaseExceptionFilterContext', Object.getPrototypeOf(StompExceptionFilterContext), ['createContext', 'createConcreteContext']],
];

/** Throws, naming what is missing, when the installed Nest lacks a building block the invoker uses. */
export function checkBuildingBlocks(required = REQUIRED): void {
  const missing = required.flatMap(([name, type, members]) => {
    const prototype = typeof type === 'function' ? (type.prototype as Record<string, unknown>) : undefined;
    return members.filter((member) => typeof prototype?.[member] !== 'function').map((member) => `${name}.${member}`);
  });
  if (missing.length > 0) {
    throw new Error(
      `nestjs-stomp: this version of @nestjs/core lacks ${missing.join(', ')}, which STOMP handlers are built from ` +
        `(tested with ${TESTED_NEST}; see the peerDependencies of nestjs-stomp)`,
    );
  }
}

export function createHandlerEnhancers(modules: ModulesContainer, config: ApplicationConfig): HandlerEnhancers {
  checkBuildingBlocks();
  // The creators look enhancer instances up in the modules, and that is all they ask of the container.
  const container = { getModules: () => modules } as Pick<NestContainer, 'getModules'> as NestContainer;
  return {
    utils: new ContextUtils(),
    guards: new GuardsContextCreator(container, config),
    guardsConsumer: new GuardsConsumer(),
    interceptors: new InterceptorsContextCreator(container, config),
    interceptorsConsumer: new InterceptorsConsumer(),
    pipes: new PipesContextCreator(container, config),
    pipesConsumer: new PipesConsumer(),
    filters: new StompExceptionFilterContext(container, config),
  };
}
