import { describe, expect, it } from '@jest/globals';
import { StompOptionsError } from '../../../lib/index.js';
import { resolveStompOptions } from '../../../lib/engine/options/stomp.options.js';
import type { StompModuleOptions } from '../../../lib/index.js';

describe("option 'handlerErrors'", () => {
  it("defaults to 'report' and accepts 'fatal'", () => {
    expect(resolveStompOptions({}).handlerErrors).toBe('report');
    expect(resolveStompOptions({ handlerErrors: 'fatal' }).handlerErrors).toBe('fatal');
  });

  it('refuses anything else, naming the choices', () => {
    const bad = { handlerErrors: 'explode' } as unknown as StompModuleOptions;
    expect(() => resolveStompOptions(bad)).toThrow(StompOptionsError);
    expect(() => resolveStompOptions(bad)).toThrow("'report', 'fatal'");
  });
});
