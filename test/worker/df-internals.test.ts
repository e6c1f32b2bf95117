// The door to durable-functions' internals: it loads them with the pinned version installed, and
// refuses to load, saying what to install, when another version is.

import { copyFile, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { assertSupportedDurableFunctions, dfInternal, SUPPORTED_DURABLE_FUNCTIONS_VERSION } from '../../src/worker/df-internals.js';

const SOURCE = fileURLToPath(new URL('../../src/worker/df-internals.ts', import.meta.url));
const folders: string[] = [];

afterAll(async () => {
  for (const folder of folders) await rm(folder, { recursive: true, force: true });
});

describe('durable-functions internals', () => {
  it('load with the installed version, which is the one package.json pins', () => {
    const require = createRequire(import.meta.url);
    const pinned = (require('../../package.json') as { dependencies: Record<string, string> }).dependencies['durable-functions'];
    expect(pinned).toBe(SUPPORTED_DURABLE_FUNCTIONS_VERSION);
    expect(typeof dfInternal<{ Orchestrator: unknown }>('orchestrations/Orchestrator.js').Orchestrator).toBe('function');
    expect(typeof dfInternal<{ Entity: unknown }>('entities/Entity.js').Entity).toBe('function');
    const executor = dfInternal<{ TaskOrchestrationExecutor: { prototype: Record<string, unknown> } }>(
      'orchestrations/TaskOrchestrationExecutor.js',
    );
    expect(typeof executor.TaskOrchestrationExecutor.prototype.trackOpenTask).toBe('function');
  });

  it('refuse any other version with a message that names both and what to install', () => {
    expect(() => assertSupportedDurableFunctions(SUPPORTED_DURABLE_FUNCTIONS_VERSION)).not.toThrow();
    for (const other of ['3.5.1', '3.4.0', '4.0.0', undefined]) {
      expect(() => assertSupportedDurableFunctions(other)).toThrow(
        new RegExp(`cannot run with version ${other === undefined ? '\\(unknown\\)' : other.replace(/\./g, '\\.')}, which is installed`),
      );
    }
    expect(() => assertSupportedDurableFunctions('3.6.0')).toThrow(
      `Install exactly that version: npm install durable-functions@${SUPPORTED_DURABLE_FUNCTIONS_VERSION} --save-exact`,
    );
  });

  it('fail at load when another version is the one installed next to them', async () => {
    // A real folder with a different durable-functions installed beside a copy of the module.
    const folder = await mkdtemp(join(tmpdir(), 'df-internals-'));
    folders.push(folder);
    await mkdir(join(folder, 'node_modules', 'durable-functions'), { recursive: true });
    await writeFile(join(folder, 'node_modules', 'durable-functions', 'package.json'), '{"name":"durable-functions","version":"3.6.0"}');
    await copyFile(SOURCE, join(folder, 'df-internals.ts'));
    await expect(import(pathToFileURL(join(folder, 'df-internals.ts')).href)).rejects.toThrow(
      /durable-functions 3\.5\.0 and cannot run with version 3\.6\.0/,
    );
  });
});
