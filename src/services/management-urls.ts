// The check-status payload: management URLs for one instance, as the extension builds them, keys
// in its order (clients that compare bodies textually see the same text); `rewindPostUri` last,
// as the 1.x documentation shows it.

import type { CheckStatusPayload } from '../schemas/shared.js';

/** The webhook base path every management URL points at. */
export const WEBHOOK_BASE_PATH = '/runtime/webhooks/durabletask';

export interface ManagementUrlOptions {
  /** Externally visible origin, optionally with a path prefix, without a trailing slash. */
  origin: string;
  instanceId: string;
  taskHub: string;
  connection: string;
  /** The key the caller authenticated with; omitted when authentication is off. */
  key?: string;
}

export function checkStatusPayload(options: ManagementUrlOptions): CheckStatusPayload {
  // encodeURIComponent, not form encoding: a space must be %20 (a '+' would be a different id).
  const instance = `${options.origin}${WEBHOOK_BASE_PATH}/instances/${encodeURIComponent(options.instanceId)}`;
  let query = `taskHub=${encodeURIComponent(options.taskHub)}&connection=${encodeURIComponent(options.connection)}`;
  if (options.key) query += `&code=${encodeURIComponent(options.key)}`;
  return {
    id: options.instanceId,
    statusQueryGetUri: `${instance}?${query}`,
    sendEventPostUri: `${instance}/raiseEvent/{eventName}?${query}`,
    terminatePostUri: `${instance}/terminate?reason={text}&${query}`,
    purgeHistoryDeleteUri: `${instance}?${query}`,
    restartPostUri: `${instance}/restart?${query}`,
    suspendPostUri: `${instance}/suspend?reason={text}&${query}`,
    resumePostUri: `${instance}/resume?reason={text}&${query}`,
    rewindPostUri: `${instance}/rewind?reason={text}&${query}`,
  };
}
