import { readFileSync, readdirSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from '@jest/globals';

// The shape issue 9 asks of lib/: an engine free of Nest, a Nest shell over it, no import cycle, small files.
const LIB = resolve(dirname(fileURLToPath(import.meta.url)), '../../../lib');
const MAX_LINES = 300;
/** The module's entry files may import Nest: they are the shell's front door. */
const NEST_ALLOWED = (file: string): boolean => file.startsWith('nest/') || file === 'index.ts';

function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return sources(path);
    return name.endsWith('.ts') ? [relative(LIB, path)] : [];
  });
}

/** Every module specifier a file imports or re-exports, type-only ones included. */
function specifiers(file: string): string[] {
  const text = readFileSync(join(LIB, file), 'utf8');
  return [...text.matchAll(/^\s*(?:import|export)\s[^;]*?\sfrom\s+'([^']+)'/gms), ...text.matchAll(/^\s*import\s+'([^']+)'/gm)].map(
    (m) => m[1],
  );
}

function localImports(file: string): string[] {
  return specifiers(file)
    .filter((s) => s.startsWith('.'))
    .map((s) => relative(LIB, resolve(LIB, dirname(file), s)).replace(/\.js$/, '.ts'));
}

function findCycle(graph: Map<string, string[]>): string[] | undefined {
  const state = new Map<string, 'open' | 'done'>();
  const stack: string[] = [];
  const visit = (node: string): string[] | undefined => {
    if (state.get(node) === 'done') return undefined;
    if (state.get(node) === 'open') return [...stack.slice(stack.indexOf(node)), node];
    state.set(node, 'open');
    stack.push(node);
    for (const next of graph.get(node) ?? []) {
      const cycle = visit(next);
      if (cycle) return cycle;
    }
    stack.pop();
    state.set(node, 'done');
    return undefined;
  };
  for (const node of graph.keys()) {
    const cycle = visit(node);
    if (cycle) return cycle;
  }
  return undefined;
}

describe('lib/ layout', () => {
  const files = sources(LIB);

  it('has an engine half and a Nest half', () => {
    expect(files.some((f) => f.startsWith('engine/'))).toBe(true);
    expect(files.some((f) => f.startsWith('nest/'))).toBe(true);
  });

  it('imports @nestjs only from the Nest shell', () => {
    const offenders = files.filter((f) => !NEST_ALLOWED(f) && specifiers(f).some((s) => s.startsWith('@nestjs/')));
    expect(offenders).toEqual([]);
  });

  it('the engine never imports the shell', () => {
    const offenders = files.filter((f) => f.startsWith('engine/') && localImports(f).some((i) => i.startsWith('nest/')));
    expect(offenders).toEqual([]);
  });

  it('public types never import back up into the engine or the shell', () => {
    const offenders = files.filter((f) => f.startsWith('interfaces/') && localImports(f).some((i) => !i.startsWith('interfaces/')));
    expect(offenders).toEqual([]);
  });

  it('the client entry (nestjs-stomp/client, loaded by browsers) imports nothing outside lib/client/', () => {
    const offenders = files.filter((f) => f.startsWith('client/') && specifiers(f).some((s) => !s.startsWith('./')));
    expect(files.some((f) => f.startsWith('client/'))).toBe(true);
    expect(offenders).toEqual([]);
  });

  it('has no import cycle, type-only imports included', () => {
    const graph = new Map(files.map((f) => [f, localImports(f)]));
    expect(findCycle(graph)).toBeUndefined();
  });

  it(`has no file over ${MAX_LINES} lines`, () => {
    const lineCount = (text: string): number => text.split('\n').length - (text.endsWith('\n') ? 1 : 0);
    const long = files.filter((f) => lineCount(readFileSync(join(LIB, f), 'utf8')) > MAX_LINES);
    expect(long).toEqual([]);
  });

  it('resolves every local import to a file', () => {
    const known = new Set(files);
    const broken = files.flatMap((f) =>
      localImports(f)
        .filter((i) => !known.has(i))
        .map((i) => `${f} -> ${i}`),
    );
    expect(broken).toEqual([]);
  });
});
