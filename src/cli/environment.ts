// What the CLI takes from the environment (handed in by `run`, never read from process.env here):
// the connection-string setting named on the command line, the HTTP key, the few settings that
// shape how a task hub is laid out in storage, and the storage time limit.

import { ConnectionSettingError, readConnectionSetting } from '../connection-settings.js';

export type Env = Record<string, string | undefined>;

/**
 * Settings passed through to the direct transport: the layout ones change what is written; the try
 * timeout lets a command on a slow link (or a busy emulator) wait longer than the server would.
 */
const PASSED_SETTINGS = [
  'TASKHUB_HUB_NAME',
  'TASKHUB_PARTITION_COUNT',
  'TASKHUB_QUEUE_ENCODING',
  'TASKHUB_STORAGE_TRY_TIMEOUT_MS',
] as const;

export interface DirectEnv {
  env: Env;
  connectionFound: boolean;
  /** Why the setting's identity settings are unusable (reported when the command connects). */
  problem?: string;
}

/** Whether the setting `name` is given at all: its connection string or any `<name>__*` identity setting. */
export function connectionSettingGiven(env: Env, name: string): boolean {
  const prefix = `${name}__`.toLowerCase();
  return Boolean(env[name]) || Object.entries(env).some(([key, value]) => value && key.toLowerCase().startsWith(prefix));
}

/**
 * The env object handed to loadConfig for the direct transport: the setting named by
 * --connection-string-setting becomes the default connection. It is read as the server reads a
 * connection (a connection string, else `<setting>__accountName` / `__*ServiceUri` with
 * `__credential`, `__clientId`, ...), so messages about it name the settings the user wrote.
 */
export function directEnv(env: Env, connectionSetting: string): DirectEnv {
  const direct: Env = {};
  for (const name of PASSED_SETTINGS) direct[name] = env[name];
  try {
    direct.AzureWebJobsStorage = readConnectionSetting(env, connectionSetting);
  } catch (error) {
    if (!(error instanceof ConnectionSettingError)) throw error;
    return { env: direct, connectionFound: false, problem: error.message };
  }
  return { env: direct, connectionFound: direct.AzureWebJobsStorage !== undefined };
}

/** The system key for the http transport when --key is not given. */
export function keyFromEnv(env: Env): string | undefined {
  return env.TASKHUB_KEY || undefined;
}
