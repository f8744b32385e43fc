import type { JsonSchema } from '../../interfaces/stomp-observability.interface.js';
import type { PayloadSpec } from './asyncapi.document.js';

type ClassToSchema = (type: Function) => JsonSchema;

/**
 * class-validator-jsonschema turns a DTO's class-validator rules into its schema; it is an optional
 * peer, so without it (or without class-validator) a DTO is only "an object".
 */
export async function loadClassToSchema(): Promise<ClassToSchema> {
  try {
    const { targetConstructorToSchema } = await import('class-validator-jsonschema');
    return (type) => targetConstructorToSchema(type, { refPointerPrefix: '#/components/schemas/' }) as JsonSchema;
  } catch {
    return () => ({ type: 'object' });
  }
}

const PRIMITIVES = new Map<unknown, PayloadSpec>([
  [String, { schema: { type: 'string' }, contentType: 'text/plain' }],
  [Number, { schema: { type: 'number' }, contentType: 'application/json' }],
  [Boolean, { schema: { type: 'boolean' }, contentType: 'application/json' }],
  [Array, { schema: { type: 'array' }, contentType: 'application/json' }],
  [Buffer, { schema: { type: 'string', format: 'binary' }, contentType: 'application/octet-stream' }],
]);

/**
 * The payload of a DTO class, a primitive's constructor (from `design:paramtypes`) or a JSON Schema;
 * undefined for what says nothing (`Object`, `Promise`, an interface, nothing at all).
 */
export function payloadOf(type: unknown, classToSchema: ClassToSchema): PayloadSpec | undefined {
  if (type === undefined || type === null || type === Object || type === Promise) return undefined;
  const primitive = PRIMITIVES.get(type);
  if (primitive) return primitive;
  if (typeof type === 'function') return { schema: classToSchema(type), contentType: 'application/json', component: type.name };
  if (typeof type === 'object') return { schema: type as JsonSchema, contentType: 'application/json' };
  return undefined;
}
