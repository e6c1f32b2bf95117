// Planner-only CPU per episode as one instance's history grows (no storage): the in-process
// equivalent of bench/scale/episode-growth.ts's "plan" column, for profiling.
// npx tsx bench/planner-growth.ts [sizes...]
import type { OrchestrationContext } from 'durable-functions';
import { eventRaised, executionStarted, type HistoryEvent } from '../src/domain/index.js';
import { planEpisode } from '../src/worker/episode.js';
import { Registry } from '../src/worker/registry.js';
import { ReplaySessions } from '../src/worker/replay-sessions.js';
import { HistoryIndexes } from '../src/worker/history-index.js';
import type { SuspendedRun } from '../src/worker/df-host.js';

const registry = new Registry();
registry.orchestration('WaitForever', function* (context: OrchestrationContext) {
  for (;;) yield context.df.waitForExternalEvent('Tick');
});
const sizes = process.argv.slice(2).map(Number);
const instance = { InstanceId: 'growing', ExecutionId: 'e1' };
const sessions = new ReplaySessions<SuspendedRun>();
const indexes = new HistoryIndexes();
const history: HistoryEvent[] = [];
const episode = async (events: HistoryEvent[]) => {
  const plan = await planEpisode({
    instanceId: 'growing',
    executionId: 'e1',
    history,
    messages: events.map((event) => ({ instance, event })),
    registry,
    now: new Date(),
    sessions,
    indexes,
  });
  if (plan.kind !== 'checkpoint') throw new Error(plan.kind);
  for (const event of plan.newEvents) history.push(event); // as the store's cache appends
};
await episode([executionStarted({ instance, name: 'WaitForever', version: '', input: null })]);
let n = 0;
for (const size of sizes.length ? sizes : [1000, 20000]) {
  while (history.length < size) await episode(Array.from({ length: 32 }, () => eventRaised('Tick', String(n++))));
  const began = performance.now();
  const cpu = process.cpuUsage();
  const count = 200;
  for (let i = 0; i < count; i++) await episode([eventRaised('Tick', String(n++))]);
  const used = process.cpuUsage(cpu);
  console.log(
    `${history.length} events: ${((performance.now() - began) / count).toFixed(3)} ms/episode wall, ${((used.user + used.system) / 1000 / count).toFixed(3)} ms CPU`,
  );
}
