// Configuration: environment + CLI flags, validated once. Nothing else reads process.env.

import { resolve } from 'node:path';
import { ConnectionSettingError, readConnectionSetting } from './connection-settings.js';
import { HUB_NAME_RULE, isValidHubName } from './domain/index.js';

export interface Config {
  /** Connection strings by allow-listed connection name; `AzureWebJobsStorage` is always present after startup. */
  connections: Record<string, string | undefined>;
  defaultConnection: string;
  hubName: string;
  /** Accepted system keys; empty means "generate one in dataDir" (resolved by server.ts). */
  keys: string[];
  /** Read-only keys (TASKHUB_READ_KEYS): GET and HEAD only. */
  readKeys: string[];
  noAuth: boolean;
  port: number;
  host: string;
  publicUrl?: string;
  trustProxy: boolean;
  dataDir: string;
  worker: boolean;
  /** Run only the worker (no HTTP listener), for scale-out. */
  workerOnly: boolean;
  appModule?: string;
  partitionCount?: number;
  /** Worker tuning for scale-out and fault tests (`--lease-duration-ms`, `--message-visibility-ms`). */
  leaseDurationInMs?: number;
  messageVisibilityInMs?: number;
  /** Megabytes of histories the worker keeps between episodes (TASKHUB_HISTORY_CACHE_MB; 0 turns it off). */
  historyCacheMb?: number;
  bodyLimitInBytes: number;
  /**
   * Request bodies larger than this are kept as bytes and decoded and checked as JSON on the
   * payload thread rather than the event loop (TASKHUB_LARGE_BODY_BYTES; default 64 KiB).
   */
  largeBodyBytes?: number;
  /** Headers and body of a request must arrive within this time, else 408 and the connection closes. */
  requestTimeoutInMs: number;
  /** Connections beyond this many are refused (closed on accept). */
  maxConnections: number;
  /** Time limit of one storage attempt; a call makes at most two (undefined: the adapter's default). */
  storageTryTimeoutInMs?: number;
  queueEncoding: 'utf8' | 'base64';
  logLevel: string;
  /** Serve GET /metrics without the system key. */
  metricsPublic: boolean;
  /** Worker-only mode: the port of the listener for /metrics and /health (none when undefined). */
  metricsPort?: number;
  /** On a stop signal, how long in-flight requests and work items may take before the process leaves anyway. */
  stopGraceInMs: number;
}

export class ConfigError extends Error {}

type Env = Record<string, string | undefined>;

function parseBool(name: string, value: string | undefined, fallback: boolean): boolean {
  if (value === undefined || value === '') return fallback;
  if (/^(true|1|yes)$/i.test(value)) return true;
  if (/^(false|0|no)$/i.test(value)) return false;
  throw new ConfigError(`${name} must be true or false, got '${value}'.`);
}

function parseInteger(name: string, value: string | undefined, min: number, max: number): number | undefined {
  if (value === undefined || value === '') return undefined;
  const n = Number(value);
  if (!Number.isInteger(n) || n < min || n > max) {
    throw new ConfigError(`${name} must be a whole number from ${min} to ${max}, got '${value}'.`);
  }
  return n;
}

/** A connection setting's value: its connection string, else its identity settings (`<name>__accountName`, ...). */
function connectionSetting(env: Env, name: string): string | undefined {
  try {
    return readConnectionSetting(env, name);
  } catch (error) {
    if (error instanceof ConnectionSettingError) throw new ConfigError(error.message);
    throw error;
  }
}

/** `name=ENV_VAR,...`: each named connection reads its string (or identity settings) from the named variable. */
function parseConnections(env: Env): Record<string, string | undefined> {
  const connections: Record<string, string | undefined> = { AzureWebJobsStorage: connectionSetting(env, 'AzureWebJobsStorage') };
  const spec = env.TASKHUB_CONNECTIONS?.trim();
  if (!spec) return connections;
  for (const pair of spec.split(',')) {
    const [name, variable] = pair.split('=').map((s) => s.trim());
    if (!name || !variable || !/^[A-Za-z0-9_]+$/.test(name)) {
      throw new ConfigError(`TASKHUB_CONNECTIONS entries look like name=ENV_VAR_NAME; '${pair}' does not.`);
    }
    const value = connectionSetting(env, variable);
    if (!value) {
      throw new ConfigError(
        `TASKHUB_CONNECTIONS names ${variable} for '${name}', but neither ${variable} (a connection string) ` +
          `nor identity settings (${variable}__accountName, or ${variable}__tableServiceUri/__queueServiceUri/__blobServiceUri) are set.`,
      );
    }
    connections[name] = value;
  }
  return connections;
}

/** Flags override the environment: `--port 8080`, `--no-auth`, `--no-worker`, `--worker-only`, ... */
export function parseFlags(argv: string[]): Env {
  const env: Env = {};
  const valued: Record<string, string> = {
    '--port': 'PORT',
    '--host': 'HOST',
    '--task-hub-name': 'TASKHUB_HUB_NAME',
    '--hub': 'TASKHUB_HUB_NAME',
    '--data-dir': 'TASKHUB_DATA_DIR',
    '--public-url': 'TASKHUB_PUBLIC_URL',
    '--app': 'TASKHUB_APP',
    '--partition-count': 'TASKHUB_PARTITION_COUNT',
    '--lease-duration-ms': 'TASKHUB_LEASE_DURATION_MS',
    '--message-visibility-ms': 'TASKHUB_MESSAGE_VISIBILITY_MS',
    '--metrics-port': 'TASKHUB_METRICS_PORT',
    '--stop-grace-ms': 'TASKHUB_STOP_GRACE_MS',
  };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === '--no-auth') env.TASKHUB_NO_AUTH = 'true';
    else if (arg === '--no-worker') env.TASKHUB_WORKER = 'false';
    else if (arg === '--worker-only') env.TASKHUB_WORKER_ONLY = 'true';
    else if (valued[arg] !== undefined) {
      const value = argv[++i];
      if (value === undefined) throw new ConfigError(`${arg} needs a value.`);
      env[valued[arg]] = value;
    } else throw new ConfigError(`Unknown option '${arg}'.`);
  }
  return env;
}

const keyList = (text: string | undefined) =>
  (text ?? '')
    .split(',')
    .map((k) => k.trim())
    .filter(Boolean);

export function loadConfig(env: Env = process.env, argv: string[] = []): Config {
  const merged: Env = { ...env, ...parseFlags(argv) };
  const hubName = merged.TASKHUB_HUB_NAME || 'DurableFunctionsHub';
  if (!isValidHubName(hubName)) {
    throw new ConfigError(`TASKHUB_HUB_NAME must be ${HUB_NAME_RULE}, got '${hubName}'.`);
  }
  const publicUrl = merged.TASKHUB_PUBLIC_URL?.replace(/\/+$/, '') || undefined;
  if (publicUrl && !/^https?:\/\/[^/]+/.test(publicUrl)) {
    throw new ConfigError('TASKHUB_PUBLIC_URL must be an absolute http(s) URL.');
  }
  const encoding = (merged.TASKHUB_QUEUE_ENCODING || 'utf8').toLowerCase();
  if (encoding !== 'utf8' && encoding !== 'base64') {
    throw new ConfigError(`TASKHUB_QUEUE_ENCODING must be utf8 or base64, got '${encoding}'.`);
  }
  const workerOnly = parseBool('TASKHUB_WORKER_ONLY', merged.TASKHUB_WORKER_ONLY, false);
  return {
    connections: parseConnections(merged),
    defaultConnection: 'AzureWebJobsStorage',
    hubName,
    keys: keyList(merged.TASKHUB_KEYS),
    readKeys: keyList(merged.TASKHUB_READ_KEYS),
    noAuth: parseBool('TASKHUB_NO_AUTH', merged.TASKHUB_NO_AUTH, false),
    port: parseInteger('PORT', merged.PORT, 0, 65535) ?? 7071,
    host: merged.HOST || '127.0.0.1',
    publicUrl,
    trustProxy: parseBool('TASKHUB_TRUST_PROXY', merged.TASKHUB_TRUST_PROXY, false),
    dataDir: resolve(merged.TASKHUB_DATA_DIR || './.taskhub'),
    worker: workerOnly || parseBool('TASKHUB_WORKER', merged.TASKHUB_WORKER, true),
    workerOnly,
    appModule: merged.TASKHUB_APP || undefined,
    partitionCount: parseInteger('TASKHUB_PARTITION_COUNT', merged.TASKHUB_PARTITION_COUNT, 1, 16),
    leaseDurationInMs: parseInteger('TASKHUB_LEASE_DURATION_MS', merged.TASKHUB_LEASE_DURATION_MS, 100, 3_600_000),
    messageVisibilityInMs: parseInteger('TASKHUB_MESSAGE_VISIBILITY_MS', merged.TASKHUB_MESSAGE_VISIBILITY_MS, 100, 3_600_000),
    historyCacheMb: parseInteger('TASKHUB_HISTORY_CACHE_MB', merged.TASKHUB_HISTORY_CACHE_MB, 0, 65_536),
    bodyLimitInBytes: parseInteger('TASKHUB_BODY_LIMIT', merged.TASKHUB_BODY_LIMIT, 1024, 256 * 1024 * 1024) ?? 10 * 1024 * 1024,
    largeBodyBytes: parseInteger('TASKHUB_LARGE_BODY_BYTES', merged.TASKHUB_LARGE_BODY_BYTES, 0, 256 * 1024 * 1024),
    requestTimeoutInMs: parseInteger('TASKHUB_REQUEST_TIMEOUT_MS', merged.TASKHUB_REQUEST_TIMEOUT_MS, 100, 3_600_000) ?? 30_000,
    storageTryTimeoutInMs: parseInteger('TASKHUB_STORAGE_TRY_TIMEOUT_MS', merged.TASKHUB_STORAGE_TRY_TIMEOUT_MS, 100, 120_000),
    maxConnections: parseInteger('TASKHUB_MAX_CONNECTIONS', merged.TASKHUB_MAX_CONNECTIONS, 1, 1_000_000) ?? 1024,
    queueEncoding: encoding,
    logLevel: merged.LOG_LEVEL || 'info',
    metricsPublic: parseBool('TASKHUB_METRICS_PUBLIC', merged.TASKHUB_METRICS_PUBLIC, false),
    metricsPort: parseInteger('TASKHUB_METRICS_PORT', merged.TASKHUB_METRICS_PORT, 0, 65535),
    stopGraceInMs: parseInteger('TASKHUB_STOP_GRACE_MS', merged.TASKHUB_STOP_GRACE_MS, 0, 600_000) ?? 1_000,
  };
}
