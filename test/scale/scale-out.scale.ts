// Scale-out on one storage account: two API processes (--no-worker) and two worker processes
// (--worker-only), each a real `src/server.ts` process, on one task hub. Instances started through
// both APIs complete exactly once; a long poll on one API sees a completion made by a worker in
// another process; a stopped worker's partitions pass to the other within the lease time.
// Six processes at once: run on its own with `npm run test:scale` (SCALE_INSTANCES, default 200).
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.js';
import { createAzureStoreProvider } from '../../src/storage/azure/index.js';
import { azuriteConnectionString, freshHubName } from '../helpers/hub.js';

const KEY = 'scale-key-0123456789';
const BASE = '/runtime/webhooks/durabletask';
const PARTITIONS = 4;
/** The worker's default partition lease. */
const LEASE_DURATION_IN_MS = 15_000;
const HELLO = ['Hello Tokyo!', 'Hello Seattle!', 'Hello London!'];
const INSTANCES = Number(process.env.SCALE_INSTANCES ?? 200);

const hub = freshHubName('scale');
const children: ChildProcess[] = [];
let dataDir: string;

function spawnServer(args: string[]): ChildProcess {
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/server.ts', ...args], {
    env: {
      ...process.env,
      AzureWebJobsStorage: azuriteConnectionString(),
      TASKHUB_HUB_NAME: hub,
      TASKHUB_KEYS: KEY,
      TASKHUB_PARTITION_COUNT: String(PARTITIONS),
      TASKHUB_DATA_DIR: dataDir,
      PORT: '0',
      LOG_LEVEL: 'warn',
    },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  children.push(child);
  return child;
}

async function startApi(): Promise<string> {
  const child = spawnServer(['--no-worker']);
  let out = '';
  for await (const chunk of child.stdout!) {
    out += String(chunk);
    const match = /listening on (http:\/\/\S+)/.exec(out);
    if (match) return match[1];
  }
  throw new Error(`API process exited before listening: ${out}`);
}

const leases = () =>
  createAzureStoreProvider(loadConfig({ AzureWebJobsStorage: azuriteConnectionString() })).workItems('AzureWebJobsStorage', hub);

/** Partition -> owning process id, from the lease rows (owner names carry the pid). */
async function owners(): Promise<Map<number, number | undefined>> {
  const rows = await leases().listLeases();
  const live = (row: { owner: string; expiresAt: Date }) => row.owner !== '' && row.expiresAt.getTime() > Date.now();
  return new Map(rows.map((row) => [row.partition, live(row) ? Number(/-(\d+)-[0-9a-f]{8}$/.exec(row.owner)?.[1]) : undefined]));
}

async function until<T>(read: () => Promise<T>, done: (value: T) => boolean, timeoutInMs: number): Promise<T> {
  const deadline = Date.now() + timeoutInMs;
  for (;;) {
    const value = await read();
    if (done(value) || Date.now() > deadline) return value;
    await new Promise((r) => setTimeout(r, 250));
  }
}

/** Runs `work` over `items`, eight at a time. */
async function inBatches<T>(items: T[], work: (item: T, index: number) => Promise<void>): Promise<void> {
  for (let start = 0; start < items.length; start += 8) {
    await Promise.all(items.slice(start, start + 8).map((item, offset) => work(item, start + offset)));
  }
}

let apis: string[];
let workers: ChildProcess[];

beforeAll(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'taskhub-scale-'));
  apis = await Promise.all([startApi(), startApi()]);
  workers = [spawnServer(['--worker-only']), spawnServer(['--worker-only'])];
  // Both workers hold partitions before the load starts.
  const held = await until(
    owners,
    (map) => map.size === PARTITIONS && new Set(map.values()).size === 2 && ![...map.values()].includes(undefined),
    60_000,
  );
  expect(new Set(held.values())).toEqual(new Set(workers.map((w) => w.pid)));
}, 120_000);

afterAll(async () => {
  for (const child of children) if (child.exitCode === null) child.kill('SIGKILL');
  await rm(dataDir, { recursive: true, force: true });
});

describe('two API processes and two worker processes on one hub', () => {
  it(`completes ${INSTANCES} instances started through both APIs exactly once, with the right outputs`, async () => {
    const ids = Array.from({ length: INSTANCES }, (_, i) => `scale-${i}`);
    // A few requests in flight at a time: the point is several processes, not overloading one emulator.
    await inBatches(ids, async (id, i) => {
      const res = await fetch(`${apis[i % 2]}${BASE}/orchestrators/E1_HelloSequence/${id}?code=${KEY}`, { method: 'POST' });
      expect(res.status).toBe(202);
    });
    const pending = new Set(ids);
    const deadline = Date.now() + 150_000;
    while (pending.size > 0 && Date.now() < deadline) {
      await inBatches([...pending], async (id, i) => {
        const res = await fetch(`${apis[(i + 1) % 2]}${BASE}/instances/${id}?code=${KEY}`);
        const { runtimeStatus } = (await res.json()) as { runtimeStatus?: string };
        if (runtimeStatus === 'Completed' || runtimeStatus === 'Failed') pending.delete(id);
      });
      if (pending.size > 0) await new Promise((r) => setTimeout(r, 1000));
    }
    expect([...pending]).toEqual([]);
    // Exactly once: one start, three activities scheduled and completed once each, one completion.
    await inBatches(ids, async (id, i) => {
      const res = await fetch(`${apis[i % 2]}${BASE}/instances/${id}?showHistory=true&showHistoryOutput=true&code=${KEY}`);
      const body = (await res.json()) as { runtimeStatus: string; output: unknown; historyEvents: { EventType: string }[] };
      expect({ id, runtimeStatus: body.runtimeStatus, output: body.output }).toEqual({ id, runtimeStatus: 'Completed', output: HELLO });
      const count = (type: string) => body.historyEvents.filter((e) => e.EventType === type).length;
      expect({
        id,
        started: count('ExecutionStarted'),
        scheduled: count('TaskScheduled'),
        done: count('TaskCompleted'),
        completed: count('ExecutionCompleted'),
      }).toEqual({
        id,
        started: 1,
        scheduled: 3,
        done: 3,
        completed: 1,
      });
    });
  }, 240_000);

  it('answers a long poll on one API promptly when a worker in another process completes the instance', async () => {
    const started = await fetch(`${apis[1]}${BASE}/orchestrators/E1_HelloSequence?code=${KEY}`, { method: 'POST' });
    const { id } = (await started.json()) as { id: string };
    const begin = Date.now();
    const res = await fetch(`${apis[0]}${BASE}/instances/${id}/wait?timeout=60&retryInterval=0.5&code=${KEY}`);
    expect(res.status).toBe(200);
    // The wait route answers 200 with the output itself.
    expect(await res.json()).toEqual(HELLO);
    expect(Date.now() - begin).toBeLessThan(30_000);
  }, 90_000);

  it('hands a stopped worker’s partitions to the other worker within the lease time', async () => {
    const [stopping, staying] = workers;
    stopping.kill('SIGTERM');
    await once(stopping, 'exit');
    const stoppedAt = Date.now();
    const after = await until(owners, (map) => [...map.values()].every((pid) => pid === staying.pid), LEASE_DURATION_IN_MS + 5_000);
    expect([...after.values()]).toEqual(Array(PARTITIONS).fill(staying.pid));
    expect(Date.now() - stoppedAt).toBeLessThan(LEASE_DURATION_IN_MS);
    // And the remaining worker runs new work.
    const res = await fetch(`${apis[0]}/orchestrators/E1_HelloSequence/wait?timeout=60&code=${KEY}`, { method: 'POST' });
    expect(res.status).toBe(200);
  }, 60_000);
});
