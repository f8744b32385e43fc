/** Injection token of the options exactly as the user passed them. */
export const STOMP_MODULE_OPTIONS = Symbol('STOMP_MODULE_OPTIONS');

/** `ExecutionContext.getType()` of a STOMP handler invocation. */
export const STOMP_CONTEXT_TYPE = 'stomp';
