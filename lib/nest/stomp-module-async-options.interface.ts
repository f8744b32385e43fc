import type { ModuleMetadata, Type, InjectionToken, OptionalFactoryDependency } from '@nestjs/common';
import type { StompModuleOptions } from '../interfaces/stomp-options.interface.js';

/** A class that builds the options, for `forRootAsync({ useClass })`. */
export interface StompOptionsFactory {
  createStompOptions(): StompModuleOptions | Promise<StompModuleOptions>;
}

/** Options of `StompModule.forRootAsync`. */
export interface StompModuleAsyncOptions extends Pick<ModuleMetadata, 'imports'> {
  useFactory?: (...args: never[]) => StompModuleOptions | Promise<StompModuleOptions>;
  inject?: Array<InjectionToken | OptionalFactoryDependency>;
  useClass?: Type<StompOptionsFactory>;
  useExisting?: Type<StompOptionsFactory>;
}
