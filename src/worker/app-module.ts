// Importing the user's app module (TASKHUB_APP / --app). A compiled server has no TypeScript
// loader; a `.ts` module then needs one: Node's own type stripping (Node >= 22.18, erasable syntax
// only) or tsx when it is installed. Without either the error says what to do.

import { pathToFileURL } from 'node:url';
import { resolve } from 'node:path';

const TYPESCRIPT = /\.[cm]?tsx?$/i;
const NO_LOADER = /ERR_UNKNOWN_FILE_EXTENSION|ERR_UNSUPPORTED_TYPESCRIPT_SYNTAX|ERR_UNSUPPORTED_NODE_MODULES_TYPE_STRIPPING/;

let tsxRegistered = false;

/** Registers tsx for the rest of the process; false when it is not installed. */
async function registerTsx(): Promise<boolean> {
  if (tsxRegistered) return true;
  const tsx = (await import('tsx/esm/api').catch(() => undefined)) as { register(): unknown } | undefined;
  if (!tsx) return false;
  tsx.register();
  tsxRegistered = true;
  return true;
}

export async function importAppModule(path: string): Promise<Record<string, unknown>> {
  const url = pathToFileURL(resolve(path)).href;
  if (!TYPESCRIPT.test(path)) return (await import(url)) as Record<string, unknown>;
  try {
    // Already loadable when running under tsx or vitest, or on a Node that strips types.
    return (await import(url)) as Record<string, unknown>;
  } catch (error) {
    const code = (error as { code?: unknown }).code;
    if (typeof code !== 'string' || !NO_LOADER.test(code)) throw error;
  }
  if (!(await registerTsx())) {
    throw new Error(
      `The app module ${path} is TypeScript and no TypeScript loader is installed: compile it to JavaScript ` +
        `(e.g. npx tsc) and set TASKHUB_APP to the .js file, or install tsx (npm install tsx).`,
    );
  }
  // A fresh URL: the failed attempt above may be remembered by the module cache.
  return (await import(`${url}?tsx`)) as Record<string, unknown>;
}
