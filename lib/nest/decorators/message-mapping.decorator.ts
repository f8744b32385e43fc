import { SetMetadata } from '@nestjs/common';
import { MESSAGE_MAPPING_METADATA, SUBSCRIBE_MAPPING_METADATA } from '../handlers/handler.constants.js';

function list(destination: string | string[]): string[] {
  return Array.isArray(destination) ? destination : [destination];
}

/**
 * Handles SENDs to `<appPrefix><destination>` (Ant patterns: `*`, `**`, `{var}`). On a class, a
 * prefix for every mapping of its methods.
 */
export function MessageMapping(destination: string | string[] = ''): ClassDecorator & MethodDecorator {
  return SetMetadata(MESSAGE_MAPPING_METADATA, list(destination));
}

/** Runs when a client SUBSCRIBEs to `<appPrefix><destination>`; the return value goes to that subscription only. */
export function SubscribeMapping(destination: string | string[]): MethodDecorator {
  return SetMetadata(SUBSCRIBE_MAPPING_METADATA, list(destination));
}
