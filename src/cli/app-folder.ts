// The connection setting, its value and the task hub when the command line leaves them out, in
// the order Core Tools' DurableManager uses inside a Functions app folder:
//   setting name: --connection-string-setting > host.json durableTask.AzureStorageConnectionStringName
//                 > AzureWebJobsStorage
//   its value:    the environment > Values in local.settings.json
//   task hub:     --task-hub-name > host.json durableTask.hubName > DurableFunctionsHub
// taskhub's own TASKHUB_HUB_NAME (Core Tools has no such variable) sits between the flag and
// host.json: an environment setting overrides host.json as app settings do in the Functions host.

import { HUB_NAME_RULE, isValidHubName } from '../domain/index.js';
import { connectionSettingGiven, type Env } from './environment.js';
import { UsageError } from './failures.js';
import { readHostDurableSettings, type FromHostJson } from './host-json.js';
import { connectionFromLocalSettings, findLocalSettingsFile, readLocalSettings } from './local-settings.js';

export const DEFAULT_SETTING = 'AzureWebJobsStorage';
/** What a connection setting may be called (it becomes a TASKHUB_CONNECTIONS entry). */
export const SETTING_NAME = /^[A-Za-z0-9_]+$/;

export interface AppFolderDefaults {
  setting: string;
  /** How the setting was chosen, for messages: `--connection-string-setting` or the host.json entry. */
  settingSource: string;
  /** The environment, plus the setting's entries from local.settings.json when the environment lacks it. */
  env: Env;
  /** For the message when the setting is found nowhere: which local.settings.json was read too. */
  alsoLookedIn: string;
  /** Undefined: the default hub (DurableFunctionsHub; over a found local server, that server's). */
  taskHub?: string;
}

export interface GivenOnCommandLine {
  setting?: string;
  taskHub?: string;
}

function chosenHub(env: Env, fromHost: FromHostJson | undefined): string | undefined {
  const fromEnv = env.TASKHUB_HUB_NAME || undefined;
  if (fromEnv !== undefined) {
    if (!isValidHubName(fromEnv)) throw new UsageError(`TASKHUB_HUB_NAME must be ${HUB_NAME_RULE}, got '${fromEnv}'.`);
    return fromEnv;
  }
  if (fromHost === undefined) return undefined;
  if (!isValidHubName(fromHost.value)) {
    // Durable Functions resolves `%Setting%` there from app settings; Core Tools' commands do not.
    const reference = /^%.+%$/.test(fromHost.value)
      ? '; app-setting references are not resolved here, as in Core Tools: pass --task-hub-name'
      : '';
    throw new UsageError(`${fromHost.source} must be ${HUB_NAME_RULE}, got '${fromHost.value}'${reference}.`);
  }
  return fromHost.value;
}

/** Reads host.json always, as Core Tools does, and local.settings.json only when the environment lacks the setting. */
export function appFolderDefaults(cwd: string, env: Env, given: GivenOnCommandLine): AppFolderDefaults {
  const host = readHostDurableSettings(cwd);
  const hostSetting = given.setting === undefined ? host.connectionSetting : undefined;
  if (hostSetting && !SETTING_NAME.test(hostSetting.value)) {
    throw new UsageError(`${hostSetting.source} must name a setting (letters, digits, _), got '${hostSetting.value}'.`);
  }
  const setting = given.setting ?? hostSetting?.value ?? DEFAULT_SETTING;
  const taskHub = given.taskHub ?? chosenHub(env, host.hubName);
  const settingSource = hostSetting ? `named by ${hostSetting.source}` : '--connection-string-setting';
  if (connectionSettingGiven(env, setting)) return { setting, settingSource, env, alsoLookedIn: '', taskHub };
  const path = findLocalSettingsFile(cwd);
  const local = path === undefined ? undefined : readLocalSettings(path);
  if (local === undefined) return { setting, settingSource, env, alsoLookedIn: '', taskHub };
  return {
    setting,
    settingSource,
    env: { ...env, ...connectionFromLocalSettings(local, setting) },
    alsoLookedIn: `, neither in the environment nor in Values of ${local.path}`,
    taskHub,
  };
}
