import type { Type } from '@nestjs/common';
import type { JsonSchema } from '../../interfaces/stomp-observability.interface.js';

/** What the server pushes to a broker destination, for the AsyncAPI document. */
export interface StompPublishesOptions {
  /** A DTO class (its class-validator rules become the schema) or a JSON Schema. */
  payload?: Type<unknown> | JsonSchema;
  description?: string;
}

export interface StompPublication extends StompPublishesOptions {
  destination: string;
  /** `Class` or `Class.method` that declared it. */
  declaredBy: string;
}

export const STOMP_PUBLISHES_METADATA = 'stomp:asyncapi_publishes';

/**
 * Declares, next to the code that calls `SimpMessagingTemplate`, a broker destination this class (or
 * method) pushes to, so the AsyncAPI document lists it; `{var}` segments become channel parameters.
 * Repeatable. It changes nothing at run time.
 */
export function StompPublishes(destination: string, options: StompPublishesOptions = {}): ClassDecorator & MethodDecorator {
  return (target: object, key?: string | symbol, descriptor?: PropertyDescriptor) => {
    const holder: object = descriptor?.value ?? target;
    const declaredBy = key === undefined ? (target as Function).name : `${target.constructor.name}.${String(key)}`;
    // Decorators run bottom-up: prepending keeps the order they are written in.
    const existing: StompPublication[] = Reflect.getMetadata(STOMP_PUBLISHES_METADATA, holder) ?? [];
    Reflect.defineMetadata(STOMP_PUBLISHES_METADATA, [{ destination, declaredBy, ...options }, ...existing], holder);
  };
}
