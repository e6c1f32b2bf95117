// What Core Tools' `func durable` commands take from host.json in the working directory
// (Common/DurableManager.cs, TrySetConnectionStringAndTaskHubName): the durableTask section, under
// `extensions` when `version` is "2.0" and at the top level otherwise, may name the task hub
// (`hubName`) and the connection setting (`AzureStorageConnectionStringName`), both matched
// regardless of case; a `storageProvider` other than Azure Storage is refused. Core Tools reads
// host.json from the working directory only, not from the folders above it.

import { join } from 'node:path';
import { UsageError } from './failures.js';
import { isObject, propertyIgnoringCase, readSettingsJson } from './settings-json.js';

export interface FromHostJson {
  value: string;
  /** Where the value was written, for messages: `extensions.durableTask.hubName in /app/host.json`. */
  source: string;
}

export interface HostDurableSettings {
  hubName?: FromHostJson;
  connectionSetting?: FromHostJson;
}

/** Backends Core Tools names (its BackendType enum) that its commands, and taskhub, cannot work on. */
const OTHER_BACKENDS = ['netherite', 'mssql'];

export function readHostDurableSettings(cwd: string): HostDurableSettings {
  const path = join(cwd, 'host.json');
  const file = readSettingsJson(path);
  if (file === undefined) return {};
  if (!isObject(file)) throw new UsageError(`${path} must hold a JSON object.`);
  const section = file.version === '2.0' ? 'extensions.durableTask' : 'durableTask';
  const parent = file.version === '2.0' ? file.extensions : file;
  if (parent === undefined || parent === null) return {};
  if (!isObject(parent)) throw new UsageError(`extensions in ${path} must be an object.`);
  const durableTask = parent.durableTask;
  if (durableTask === undefined || durableTask === null) return {};
  if (!isObject(durableTask)) throw new UsageError(`${section} in ${path} must be an object.`);

  const storageProvider = propertyIgnoringCase(durableTask, 'storageProvider');
  if (storageProvider !== undefined) {
    if (!isObject(storageProvider)) throw new UsageError(`${section}.storageProvider in ${path} must be an object.`);
    const type = storageProvider.type;
    if (typeof type === 'string' && OTHER_BACKENDS.includes(type.toLowerCase())) {
      throw new UsageError(
        `${path} selects the ${type} storage provider (${section}.storageProvider.type); taskhub works on Azure Storage task hubs only.`,
      );
    }
  }

  const text = (name: string): FromHostJson | undefined => {
    const value = propertyIgnoringCase(durableTask, name);
    if (value === undefined || value === null) return undefined;
    if (typeof value !== 'string') throw new UsageError(`${section}.${name} in ${path} must be a string.`);
    return { value, source: `${section}.${name} in ${path}` };
  };
  return { hubName: text('hubName'), connectionSetting: text('AzureStorageConnectionStringName') };
}
