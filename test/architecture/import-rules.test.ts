// The import rules of CONTRIBUTING.md, checked on the import graph of the files as they are
// (static imports, `export ... from` and `import()`, type-only ones included): no cycle in src/,
// the domain module imports nothing else of src/, services never see the worker or its port, and
// only the composition root and the harness name the Azure adapter. Lint refuses most of these
// at the import; this walks the whole graph, which lint cannot.

import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');

function tsFiles(folder: string): string[] {
  return readdirSync(join(ROOT, folder)).flatMap((name) => {
    const path = join(folder, name);
    if (statSync(join(ROOT, path)).isDirectory()) return tsFiles(path);
    return path.endsWith('.ts') ? [path] : [];
  });
}

/** The repository files a file imports by relative path (as `src/x/y.ts`; a `.js` specifier names its `.ts` source). */
function importsOf(file: string): string[] {
  const text = readFileSync(join(ROOT, file), 'utf8');
  return ts
    .preProcessFile(text, true, true)
    .importedFiles.map((f) => f.fileName)
    .filter((specifier) => specifier.startsWith('.'))
    .map((specifier) => {
      const target = relative(ROOT, resolve(join(ROOT, dirname(file)), specifier));
      if (target.endsWith('.js')) return target.replace(/\.js$/, '.ts');
      const found = statSync(join(ROOT, target), { throwIfNoEntry: false });
      if (found?.isDirectory()) return join(target, 'index.ts');
      return found ? target : `${target}.ts`;
    });
}

const graph = new Map([...tsFiles('src'), ...tsFiles('test')].map((file) => [file, importsOf(file)]));
const importers = (matches: (target: string) => boolean, from: (file: string) => boolean) =>
  [...graph].filter(([file, targets]) => from(file) && targets.some(matches)).map(([file]) => file);

/** Strongly connected components of more than one file (or a file importing itself). */
function cycles(files: string[]): string[][] {
  const inside = new Set(files);
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const found: string[][] = [];
  const visit = (v: string) => {
    index.set(v, index.size);
    low.set(v, index.get(v)!);
    stack.push(v);
    for (const w of (graph.get(v) ?? []).filter((t) => inside.has(t))) {
      if (!index.has(w)) {
        visit(w);
        low.set(v, Math.min(low.get(v)!, low.get(w)!));
      } else if (stack.includes(w)) {
        low.set(v, Math.min(low.get(v)!, index.get(w)!));
      }
    }
    if (low.get(v) !== index.get(v)) return;
    const component: string[] = [];
    let w: string;
    do {
      w = stack.pop()!;
      component.push(w);
    } while (w !== v);
    if (component.length > 1 || graph.get(v)?.includes(v)) found.push(component.sort());
  };
  for (const file of files) if (!index.has(file)) visit(file);
  return found;
}

const srcFiles = [...graph.keys()].filter((f) => f.startsWith('src/'));
const ADAPTER = (target: string) => target.startsWith('src/storage/azure/');
const COMPOSITION_ROOT = new Set(['src/server.ts', 'src/server-support.ts', 'src/cli/transport.ts']);

describe('the import graph', () => {
  it('is read: every src/ and test/ file, with the imports each names', () => {
    expect(srcFiles.length).toBeGreaterThan(100);
    expect(graph.get('src/server-support.ts')).toContain('src/storage/azure/index.ts');
    // A resolved target that does not exist means the resolution above is wrong, not the code.
    const missing = [...graph.values()].flat().filter((t) => !statSync(join(ROOT, t), { throwIfNoEntry: false }));
    expect(missing).toEqual([]);
  });

  it('has no cycle in src/', () => {
    expect(cycles(srcFiles)).toEqual([]);
  });

  it('keeps src/domain/ free of every other folder of src/', () => {
    const outside = [...graph]
      .filter(([file]) => file.startsWith('src/domain/'))
      .flatMap(([file, targets]) => targets.filter((t) => !t.startsWith('src/domain/')).map((t) => `${file} -> ${t}`));
    expect(outside).toEqual([]);
  });

  it('keeps services off the worker and its work-item port', () => {
    const workerSide = (t: string) => t.startsWith('src/worker/') || t === 'src/storage/port.ts' || t === 'src/storage/work-item-store.ts';
    expect(importers(workerSide, (f) => f.startsWith('src/services/'))).toEqual([]);
  });

  it('names the Azure adapter only in the composition root, the adapter, its own tests and the harness', () => {
    expect(importers(ADAPTER, (f) => f.startsWith('src/') && !ADAPTER(f)).sort()).toEqual([...COMPOSITION_ROOT].sort());
    const tests = importers(ADAPTER, (f) => f.startsWith('test/') && !f.startsWith('test/storage/') && !f.startsWith('test/helpers/'));
    expect(tests).toEqual([]);
  });
});
