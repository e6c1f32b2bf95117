// Picks the transport: straight to storage (default, like Core Tools) or a running server (--url).
// Both hand the verbs the same ManagementService; the CLI has no storage logic of its own.

import { ConfigError, loadConfig, type Config } from '../config.js';
import { HUB_NAME_RULE, isValidHubName } from '../domain/index.js';
import type { HubRef, ManagementService } from '../services/contract.js';
import type { BatchClient } from './batch-client.js';
import { stringValue, type Values } from './args.js';
import { appFolderDefaults, DEFAULT_SETTING, SETTING_NAME, type AppFolderDefaults } from './app-folder.js';
import { connectionSettingGiven, directEnv, keyFromEnv, type Env } from './environment.js';
import { UsageError } from './failures.js';
import { dataFolder, findServerAddress } from '../server-address.js';

export interface Connection {
  service: ManagementService;
  batches: BatchClient;
  close(): Promise<void>;
}

export interface Target {
  hub: HubRef;
  overHttp: boolean;
  /** Straight to storage: the server configuration its store is built from, as the server builds it. */
  config?: Config;
  /** Creates clients only; nothing is sent until an operation is called. */
  connect(): Promise<Connection>;
}

export interface TargetContext {
  /** Where the data folder of a local server is looked for. */
  cwd: string;
  /** One line for the user (stderr): which server or storage the command uses when not obvious. */
  notice(text: string): void;
}

export function resolveTarget(values: Values, env: Env, context: TargetContext): Target {
  const taskHub = stringValue(values, 'task-hub-name');
  if (taskHub !== undefined && !isValidHubName(taskHub)) {
    throw new UsageError(`--task-hub-name must be ${HUB_NAME_RULE}, got '${taskHub}'.`);
  }
  const setting = stringValue(values, 'connection-string-setting');
  if (setting !== undefined && !SETTING_NAME.test(setting)) {
    throw new UsageError(`--connection-string-setting names an environment setting (letters, digits, _), got '${setting}'.`);
  }
  const url = stringValue(values, 'url');
  // A server has its own configuration: the app folder's files are read only without --url.
  if (url !== undefined) return httpTarget(env, url, values, setting, taskHub);
  const app = appFolderDefaults(context.cwd, env, { setting, taskHub });
  // The server started from this folder, if one is running: used when no connection string is set
  // anywhere, pointed out when only local.settings.json sets one.
  const folder = dataFolder(env, context.cwd);
  const local = connectionSettingGiven(env, app.setting) ? undefined : findServerAddress(folder);
  // By the environment or, failing that, by local.settings.json (app.env holds both).
  const connectionSet = connectionSettingGiven(app.env, app.setting);
  let hint = '';
  if (setting === undefined && !connectionSet) {
    if (local) {
      context.notice(`taskhub: ${app.setting} is not set; using the server at ${local.url} (found in ${folder}).`);
      const key = stringValue(values, 'key') ?? keyFromEnv(env) ?? local.key;
      return httpTarget(env, local.url, { ...values, key }, setting, app.taskHub);
    }
    hint = `, and no taskhub server started from this folder is running (none found in ${folder}); start one (npm start) or use --url`;
  } else if (local && connectionSet) {
    // Set, but not by the environment: by local.settings.json, as Core Tools takes it. A taskhub server started here keeps its own storage (its embedded
    // Azurite is not on the default ports), so say where it is.
    context.notice(
      `taskhub: ${app.setting} comes from local.settings.json, as in Core Tools; the taskhub server started here (${local.url}) has its own storage: pass --url ${local.url} to use it.`,
    );
  }
  return directTarget(app, hint);
}

function httpTarget(env: Env, url: string, values: Values, connection: string | undefined, taskHub: string | undefined): Target {
  if (!/^https?:\/\/[^/\s]+/i.test(url) || !URL.canParse(url)) {
    throw new UsageError(`--url must be an http(s) URL such as http://127.0.0.1:7071, got '${url}'.`);
  }
  const key = stringValue(values, 'key') ?? keyFromEnv(env);
  return {
    // Empty means "the server's default" (see http-client.ts).
    hub: { connection: connection ?? '', taskHub: taskHub ?? '' },
    overHttp: true,
    async connect() {
      const { createHttpManagementService } = await import('./http-client.js');
      const { createHttpBatchClient } = await import('./batch-client.js');
      return {
        service: createHttpManagementService({ baseUrl: url, key }),
        batches: createHttpBatchClient({ baseUrl: url, key }),
        close: async () => {},
      };
    },
  };
}

function directTarget(app: AppFolderDefaults, hint: string): Target {
  const { setting, taskHub } = app;
  const { env, connectionFound, problem } = directEnv(app.env, setting);
  // The setting's own name becomes the connection name, so messages speak of what the user typed.
  // The same string stays the default connection too: the service expects that one configured.
  if (setting !== DEFAULT_SETTING && connectionFound) {
    env.TASKHUB_CONNECTIONS = `${setting}=CLI_CONNECTION_STRING`;
    env.CLI_CONNECTION_STRING = env.AzureWebJobsStorage;
  }
  env.TASKHUB_HUB_NAME = taskHub;
  let config;
  try {
    config = loadConfig(env);
  } catch (error) {
    if (error instanceof ConfigError) throw new UsageError(error.message);
    throw error;
  }
  return {
    hub: { connection: setting, taskHub: config.hubName },
    overHttp: false,
    config,
    async connect() {
      // Checked only now, so that mistakes in the verb's own options are reported first.
      if (problem !== undefined) throw new UsageError(problem);
      if (!connectionFound) {
        throw new UsageError(
          `The environment setting '${setting}' (${app.settingSource}) holds no connection string ` +
            `and no identity settings (${setting}__accountName, ...) are set${app.alsoLookedIn}${hint}.`,
        );
      }
      // Loaded on demand: the Azure SDKs are the slow part of starting the CLI.
      const [{ createAzureStoreProvider }, { createManagementService }] = await Promise.all([
        import('../storage/azure/index.js'),
        import('../services/management-service.js'),
      ]);
      const { createLocalBatchClient } = await import('./batch-client.js');
      const stores = createAzureStoreProvider(config);
      const service = createManagementService({ stores, config, createHubOnStart: true });
      return { service, batches: createLocalBatchClient(service), close: () => stores.close() };
    },
  };
}
