// The one door to the `durable-functions` package's internals. The worker runs the package's own
// orchestration and entity executors, which are not its public API: their files, classes, fields
// and action numbers are only known to be what the worker expects in one version. Loading this
// module checks the installed version, so any other version fails at start with a message that
// says what to install, instead of replaying histories subtly differently.

import { createRequire } from 'node:module';
import type * as DurableFunctions from 'durable-functions';

/** The version whose internals the worker is written against (package.json pins it exactly). */
export const SUPPORTED_DURABLE_FUNCTIONS_VERSION = '3.5.0';

/** The files under the package's lib/src/ that the worker loads. */
export type DfInternalFile = 'orchestrations/Orchestrator.js' | 'orchestrations/TaskOrchestrationExecutor.js' | 'entities/Entity.js';

// CommonJS package: plain Node ESM (the worker-only process) cannot name its exports statically.
const require = createRequire(import.meta.url);

/** Throws unless `installed` is the supported version of durable-functions. */
export function assertSupportedDurableFunctions(installed: string | undefined): void {
  if (installed === SUPPORTED_DURABLE_FUNCTIONS_VERSION) return;
  throw new Error(
    `taskhub's worker runs the orchestration and entity executors inside durable-functions ` +
      `${SUPPORTED_DURABLE_FUNCTIONS_VERSION} and cannot run with version ${installed ?? '(unknown)'}, which is installed. ` +
      `Install exactly that version: npm install durable-functions@${SUPPORTED_DURABLE_FUNCTIONS_VERSION} --save-exact`,
  );
}

assertSupportedDurableFunctions((require('durable-functions/package.json') as { version?: string }).version);

/** The package's public API. */
export const df = require('durable-functions') as typeof DurableFunctions;

/** One of the package's internal files; `T` is the shape its caller relies on (valid for the supported version only). */
export function dfInternal<T>(file: DfInternalFile): T {
  return require(`durable-functions/lib/src/${file}`) as T;
}
