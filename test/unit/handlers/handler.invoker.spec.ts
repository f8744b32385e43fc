import { readFileSync, readdirSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from '@jest/globals';
import { checkBuildingBlocks } from '../../../lib/nest/handlers/handler.enhancers.js';

const LIB = resolve(dirname(fileURLToPath(import.meta.url)), '../../../lib');

/** The code of a file without its comments: a comment may name what the code must not use. */
const code = (file: string): string =>
  readFileSync(file, 'utf8')
    .replace(/\/\*[\s\S]*?\*\//g, '')
    .replace(/\/\/.*$/gm, '');

function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? sources(path) : name.endsWith('.ts') ? [path] : [];
  });
}

describe('HandlerInvoker and Nest', () => {
  // The members an invoker built on ExternalContextCreator had to replace (one of them private) to get
  // the module key, unflattened Observables and our error report; none of lib/ may lean on them.
  it.each(['externalErrorProxy', 'transformToResult', 'getContextModuleKey', 'getHostModuleKey', 'ExternalContextCreator'])(
    'no code in lib/ uses %s',
    (name) => {
      const offenders = sources(LIB).filter((file) => code(file).includes(name));
      expect(offenders.map((file) => relative(LIB, file))).toEqual([]);
    },
  );

  it('finds every building block it uses in the installed @nestjs/core', () => {
    expect(() => checkBuildingBlocks()).not.toThrow();
  });

  it('fails at bootstrap, naming the member, when a building block lacks one', () => {
    class GuardsConsumer {
      canActivate(): boolean {
        return true;
      }
    }
    expect(() => checkBuildingBlocks([['GuardsConsumer', GuardsConsumer, ['canActivate', 'tryActivate']]])).toThrow(
      /lacks GuardsConsumer\.tryActivate, which STOMP handlers are built from \(tested with @nestjs\/core 12\.5/,
    );
  });
});
