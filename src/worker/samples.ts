// Built-in sample orchestrations (registered when no app module is given). Their names and
// behaviour are part of the contract: the README and the tests use them.

import type { OrchestrationContext, Task } from 'durable-functions';
import { registerEntitySamples } from './entity-samples.js';
import type { Registry } from './registry.js';

/** FlakySequence's memory: instances whose flaky step already failed once (in-process on purpose). */
const flakyFailedOnce = new Set<string>();

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

function asRecord(value: unknown): Record<string, unknown> {
  return value && typeof value === 'object' ? (value as Record<string, unknown>) : {};
}

export function registerSamples(registry: Registry): void {
  registerEntitySamples(registry);
  registry.activity('E1_SayHello', (name) => `Hello ${String(name)}!`);

  registry.orchestration('E1_HelloSequence', function* (context: OrchestrationContext) {
    const outputs: unknown[] = [];
    outputs.push(yield context.df.callActivity('E1_SayHello', 'Tokyo'));
    outputs.push(yield context.df.callActivity('E1_SayHello', 'Seattle'));
    outputs.push(yield context.df.callActivity('E1_SayHello', 'London'));
    return outputs;
  });

  // Waits for `Approval` and returns its data, or "timed out" after input.timeoutSeconds (default 300).
  registry.orchestration('HumanApproval', function* (context: OrchestrationContext) {
    const requested = Number(asRecord(context.df.getInput()).timeoutSeconds);
    const timeoutSeconds = Number.isFinite(requested) && requested >= 0 ? requested : 300;
    const deadline = new Date(context.df.currentUtcDateTime.getTime() + timeoutSeconds * 1000);
    const approval = context.df.waitForExternalEvent('Approval');
    const timer = context.df.createTimer(deadline);
    const winner = (yield context.df.Task.any([approval, timer])) as Task;
    if (winner === approval) {
      timer.cancel();
      return approval.result;
    }
    return 'timed out';
  });

  // Eternal counter: adds the data of each `Add` event, continues as new, shows the count as custom status.
  registry.orchestration('Counter', function* (context: OrchestrationContext) {
    const start = Number(context.df.getInput() ?? 0);
    let count = Number.isFinite(start) ? start : 0;
    context.df.setCustomStatus(count);
    const added = yield context.df.waitForExternalEvent('Add');
    const delta = Number(added);
    count += Number.isFinite(delta) ? delta : 0;
    context.df.setCustomStatus(count);
    context.df.continueAsNew(count);
    return count;
  });

  // input: { count = 5, delayMs = 0 }; runs `count` activities in parallel and returns the sum of 1..count.
  registry.activity('FanOutFanIn_Work', async (input) => {
    const { index, delayMs } = asRecord(input);
    if (typeof delayMs === 'number' && delayMs > 0) await sleep(delayMs);
    return Number(index);
  });
  registry.orchestration('FanOutFanIn', function* (context: OrchestrationContext) {
    const input = asRecord(context.df.getInput());
    const count = Number.isInteger(input.count) ? (input.count as number) : 5;
    const tasks: Task[] = [];
    for (let i = 1; i <= count; i++) {
      tasks.push(context.df.callActivity('FanOutFanIn_Work', { index: i, delayMs: input.delayMs ?? 0 }));
    }
    const results = (yield context.df.Task.all(tasks)) as number[];
    return results.reduce((sum, n) => sum + n, 0);
  });

  // The flaky step fails the first time it runs for an instance, so the instance ends Failed; a rewind completes it.
  registry.activity('FlakySequence_Step', (instanceId) => {
    const id = String(instanceId);
    if (!flakyFailedOnce.has(id)) {
      flakyFailedOnce.add(id);
      throw new Error(`Simulated transient failure for ${id}; rewind to retry.`);
    }
    return 'Recovered';
  });
  registry.orchestration('FlakySequence', function* (context: OrchestrationContext) {
    const first = yield context.df.callActivity('E1_SayHello', 'Tokyo');
    const second = yield context.df.callActivity('FlakySequence_Step', context.df.instanceId);
    return [first, second];
  });
}
