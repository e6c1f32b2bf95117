// Starts one in-memory Azurite for the whole test run; tests isolate themselves by task hub name.
import type { TestProject } from 'vitest/node';
import { startAzurite, type RunningAzurite } from '../../src/storage/azure/azurite.js';

let azurite: RunningAzurite | undefined;

export async function setup(project: TestProject): Promise<void> {
  azurite = await startAzurite();
  project.provide('azuriteConnectionString', azurite.connectionString);
}

export async function teardown(): Promise<void> {
  await azurite?.stop();
}

declare module 'vitest' {
  export interface ProvidedContext {
    azuriteConnectionString: string;
  }
}
