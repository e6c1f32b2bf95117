// The connection setting's value from a Functions app's local.settings.json, used only when the
// environment does not give that setting: Core Tools' DurableManager reads the environment
// variable first and falls back to the `Values` of local.settings.json (Common/DurableManager.cs,
// Common/SecretsManager.cs, Common/AppSettingsFile.cs). The file is the one in the nearest folder,
// from the working directory upwards, holding host.json or local.settings.json. Values are never
// printed: they are connection strings.

import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { Env } from './environment.js';
import { UsageError } from './failures.js';
import { isObject, propertyIgnoringCase, readSettingsJson } from './settings-json.js';

export const LOCAL_SETTINGS_FILE = 'local.settings.json';

export interface LocalSettings {
  path: string;
  /** IsEncrypted is not false: Core Tools then decrypts Values with the machine's DPAPI key. */
  encrypted: boolean;
  values: Env;
}

/** The local.settings.json Core Tools would read from `cwd`, if there is one. */
export function findLocalSettingsFile(cwd: string): string | undefined {
  for (let folder = cwd; ; folder = dirname(folder)) {
    const path = join(folder, LOCAL_SETTINGS_FILE);
    if (existsSync(path)) return path;
    if (existsSync(join(folder, 'host.json'))) return undefined; // the app root, without the file
    if (dirname(folder) === folder) return undefined;
  }
}

function isEncrypted(value: unknown, path: string): boolean {
  // AppSettingsFile.cs: `Value<bool?>("IsEncrypted") ?? true`.
  if (value === undefined || value === null) return true;
  if (typeof value === 'boolean') return value;
  if (typeof value === 'string' && /^(true|false)$/i.test(value)) return value.toLowerCase() === 'true';
  throw new UsageError(`IsEncrypted in ${path} must be true or false.`);
}

export function readLocalSettings(path: string): LocalSettings | undefined {
  const file = readSettingsJson(path);
  if (file === undefined) return undefined;
  if (!isObject(file)) throw new UsageError(`${path} must hold a JSON object.`);
  const given = file.Values ?? {};
  if (!isObject(given)) throw new UsageError(`Values in ${path} must be an object of settings.`);
  const values: Env = {};
  for (const [name, value] of Object.entries(given)) {
    if (value === null) continue;
    // Core Tools reads Values as strings: numbers and booleans become their text, anything else is a mistake.
    if (typeof value === 'string') values[name] = value;
    else if (typeof value === 'number' || typeof value === 'boolean') values[name] = String(value);
    else throw new UsageError(`Values.${name} in ${path} must be a string.`);
  }
  return { path, encrypted: isEncrypted(file.IsEncrypted, path), values };
}

/**
 * The settings of local.settings.json that make up connection `name`, keyed as in the environment:
 * the setting itself (its name matched regardless of case, as Core Tools matches it) and its
 * identity settings (`<name>__accountName`, ...), which taskhub reads as the Functions host does.
 */
export function connectionFromLocalSettings(local: LocalSettings, name: string): Env {
  const found: Env = {};
  const direct = propertyIgnoringCase(local.values, name);
  if (typeof direct === 'string') found[name] = direct;
  const prefix = `${name}__`.toLowerCase();
  for (const [key, value] of Object.entries(local.values)) if (key.toLowerCase().startsWith(prefix)) found[key] = value;
  if (Object.keys(found).length > 0 && local.encrypted) {
    throw new UsageError(
      `${name} in ${local.path} is encrypted (IsEncrypted is not false) and taskhub cannot decrypt it: ` +
        `run 'func settings decrypt' there, or set ${name} in the environment.`,
    );
  }
  return found;
}
