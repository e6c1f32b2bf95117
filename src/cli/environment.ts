// What the CLI takes from the environment (handed in by `run`, never read from process.env here):
// the connection-string setting named on the command line, the HTTP key, and the few settings that
// shape how a task hub is laid out in storage.

export type Env = Record<string, string | undefined>;

/** Settings passed through to the direct transport because they change what is written. */
const LAYOUT_SETTINGS = ['TASKHUB_HUB_NAME', 'TASKHUB_PARTITION_COUNT', 'TASKHUB_QUEUE_ENCODING'] as const;

/**
 * The env object handed to loadConfig for the direct transport: the connection string read from
 * the variable named by --connection-string-setting becomes the default connection.
 */
export function directEnv(env: Env, connectionSetting: string): { env: Env; connectionFound: boolean } {
  const connectionString = env[connectionSetting] || undefined;
  const direct: Env = { AzureWebJobsStorage: connectionString };
  for (const name of LAYOUT_SETTINGS) direct[name] = env[name];
  return { env: direct, connectionFound: connectionString !== undefined };
}

/** The system key for the http transport when --key is not given. */
export function keyFromEnv(env: Env): string | undefined {
  return env.TASKHUB_KEY || undefined;
}
