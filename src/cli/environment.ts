// The only CLI file that reads process.env: the connection-string setting named on the command
// line, the HTTP key, and the few settings that shape how a task hub is laid out in storage.

type Env = Record<string, string | undefined>;

/** Settings passed through to the direct transport because they change what is written. */
const LAYOUT_SETTINGS = ['TASKHUB_HUB_NAME', 'TASKHUB_PARTITION_COUNT', 'TASKHUB_QUEUE_ENCODING'] as const;

/**
 * The env object handed to loadConfig for the direct transport: the connection string read from
 * the variable named by --connection-string-setting becomes the default connection.
 */
export function directEnv(connectionSetting: string): { env: Env; connectionFound: boolean } {
  const connectionString = process.env[connectionSetting] || undefined;
  const env: Env = { AzureWebJobsStorage: connectionString };
  for (const name of LAYOUT_SETTINGS) env[name] = process.env[name];
  return { env, connectionFound: connectionString !== undefined };
}

/** The system key for the http transport when --key is not given. */
export function keyFromEnv(): string | undefined {
  return process.env.TASKHUB_KEY || undefined;
}

/** `taskhub serve` is `npm start`: the server reads its whole configuration from the environment. */
export function serverEnv(): Env {
  return process.env;
}
