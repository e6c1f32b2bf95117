// The client binding data a Functions host hands to the durable-functions client, built for a
// taskhub server: template URLs with `?code=` (and, for rpc mode, the loopback-style base URL).
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);

/** The package's internal DurableClient class (not exported at runtime; the typings declare it). */
export function durableClientClass<T>(): new (data: unknown) => T {
  return (require('durable-functions/lib/src/durableClient/DurableClient') as { DurableClient: new (data: unknown) => T }).DurableClient;
}

export function clientBindingData(origin: string, hub: string, key: string, options: { rpc?: boolean } = {}): unknown {
  const base = `${origin}/runtime/webhooks/durabletask`;
  // `Storage`: the connection name a real app puts into the URLs it hands out.
  const q = `taskHub=${hub}&connection=Storage&code=${key}`;
  const instance = `${base}/instances/INSTANCEID`;
  return {
    taskHubName: hub,
    creationUrls: {
      createNewInstancePostUri: `${base}/orchestrators/{functionName}[/{instanceId}]?code=${key}`,
      createAndWaitOnNewInstancePostUri: `${base}/orchestrators/{functionName}[/{instanceId}]?timeout={timeoutInSeconds}&pollingInterval={intervalInSeconds}&code=${key}`,
    },
    managementUrls: {
      id: 'INSTANCEID',
      statusQueryGetUri: `${instance}?${q}`,
      sendEventPostUri: `${instance}/raiseEvent/{eventName}?${q}`,
      terminatePostUri: `${instance}/terminate?reason={text}&${q}`,
      rewindPostUri: `${instance}/rewind?reason={text}&${q}`,
      purgeHistoryDeleteUri: `${instance}?${q}`,
      restartPostUri: `${instance}/restart?${q}`,
      suspendPostUri: `${instance}/suspend?reason={text}&${q}`,
      resumePostUri: `${instance}/resume?reason={text}&${q}`,
    },
    baseUrl: base,
    requiredQueryStringParameters: `code=${key}`,
    ...(options.rpc ? { rpcBaseUrl: `${base}/` } : {}),
  };
}
