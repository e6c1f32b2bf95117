// Waiting for an instance to finish. Woken at once by in-process checkpoints (InstanceEvents) and,
// for workers in other processes, by polling the store every retry interval.

import { instanceNotFound, isTerminal, type InstanceState } from '../domain/index.js';
import type { ManagementStore } from '../storage/management-store.js';
import type { InstanceEvents } from './instance-events.js';
import type { WaitOptions, WaitResult } from './contract.js';
import { toStatusObject } from './status-object.js';

/** After a "finished" notification the row may trail the notification by a moment. */
const RECHECK_AFTER_NOTIFY_IN_MS = 50;

export async function waitForCompletion(
  store: ManagementStore,
  events: InstanceEvents | undefined,
  instanceId: string,
  options: WaitOptions,
): Promise<WaitResult> {
  const read = () => store.getInstance(instanceId, { fetchInput: true });
  const first = await read();
  if (!first) throw instanceNotFound(instanceId);
  if (isTerminal(first.runtimeStatus)) return { finished: true, status: toStatusObject(first) };
  if (options.timeoutInMs <= 0 || options.abortSignal?.aborted) return { finished: false, status: toStatusObject(first) };

  return new Promise<WaitResult>((resolve, reject) => {
    let latest: InstanceState = first;
    let settled = false;
    let checking = false;
    let checkAgain = false;
    let pollTimer: NodeJS.Timeout | undefined;

    const unsubscribe = events?.subscribe(store.hubName, instanceId, (change) => {
      if (!isTerminal(change.runtimeStatus)) return;
      void check();
      setTimeout(() => void check(), RECHECK_AFTER_NOTIFY_IN_MS).unref();
    });
    const onAbort = () => settle(() => resolve({ finished: false, status: toStatusObject(latest) }));
    options.abortSignal?.addEventListener('abort', onAbort, { once: true });
    const deadline = setTimeout(onAbort, options.timeoutInMs);

    function settle(complete: () => void): void {
      if (settled) return;
      settled = true;
      clearTimeout(deadline);
      clearTimeout(pollTimer);
      unsubscribe?.();
      options.abortSignal?.removeEventListener('abort', onAbort);
      complete();
    }

    function schedulePoll(): void {
      if (settled) return;
      clearTimeout(pollTimer);
      pollTimer = setTimeout(() => void check(), Math.max(options.retryIntervalInMs, 10));
    }

    // Reads never overlap; a wake-up during a read triggers one more read right after it.
    async function check(): Promise<void> {
      if (settled) return;
      if (checking) {
        checkAgain = true;
        return;
      }
      checking = true;
      try {
        do {
          checkAgain = false;
          const state = await read();
          if (settled) return;
          if (state) latest = state;
          if (state && isTerminal(state.runtimeStatus)) {
            settle(() => resolve({ finished: true, status: toStatusObject(state) }));
            return;
          }
        } while (checkAgain);
      } catch (error) {
        settle(() => reject(error));
        return;
      } finally {
        checking = false;
      }
      schedulePoll();
    }

    schedulePoll();
  });
}
