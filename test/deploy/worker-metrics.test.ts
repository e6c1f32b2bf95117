// A worker-only process with TASKHUB_METRICS_PORT serves /metrics (system key, like the API's) and
// /health, /health/ready for probes. Scraped after it ran an orchestration started through an API
// server on the same hub (both through startServer, the composition that runs in production).
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServer, type RunningServer } from '../../src/server.js';
import { azuriteConnectionString, freshHubName } from '../helpers/hub.js';
import { testConfig } from '../helpers/stores.js';

const KEY = 'worker-metrics-key-0123456789';
const hub = freshHubName('wmet');
let dataDir: string;
let worker: RunningServer;
let api: RunningServer;

const config = (extra: Record<string, string>) =>
  testConfig({
    AzureWebJobsStorage: azuriteConnectionString(),
    TASKHUB_HUB_NAME: hub,
    TASKHUB_DATA_DIR: dataDir,
    TASKHUB_KEYS: KEY,
    TASKHUB_PARTITION_COUNT: '2',
    PORT: '0',
    LOG_LEVEL: 'silent',
    ...extra,
  });

beforeAll(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'taskhub-worker-metrics-'));
  worker = await startServer(config({ TASKHUB_WORKER_ONLY: 'true', TASKHUB_METRICS_PORT: '0' }));
  api = await startServer(config({ TASKHUB_WORKER: 'false' }));
});
afterAll(async () => {
  await api?.close();
  await worker?.close();
  await rm(dataDir, { recursive: true, force: true });
});

/** Parses the text format into `name{labels}` -> value. */
function samples(text: string): Map<string, number> {
  const result = new Map<string, number>();
  for (const line of text.split('\n')) {
    if (!line || line.startsWith('#')) continue;
    const at = line.lastIndexOf(' ');
    result.set(line.slice(0, at), Number(line.slice(at + 1)));
  }
  return result;
}

describe('a worker-only process with TASKHUB_METRICS_PORT', () => {
  it('has no HTTP API but a metrics and health listener', () => {
    expect(worker.url).toBe('');
    expect(worker.metricsUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
  });

  it('answers /health and /health/ready without a key, and nothing else', async () => {
    const health = await fetch(`${worker.metricsUrl}/health`);
    expect([health.status, await health.json()]).toEqual([200, { status: 'ok', role: 'worker' }]);
    const ready = await fetch(`${worker.metricsUrl}/health/ready`);
    expect([ready.status, await ready.json()]).toEqual([200, { status: 'ready', role: 'worker' }]);
    const other = await fetch(`${worker.metricsUrl}/runtime/webhooks/durabletask/instances?code=${KEY}`);
    expect(other.status).toBe(404);
    expect(((await other.json()) as { error: string }).error).toBe('NotFound');
    const post = await fetch(`${worker.metricsUrl}/metrics?code=${KEY}`, { method: 'POST' });
    expect([post.status, post.headers.get('allow')]).toEqual([405, 'GET, HEAD']);
  });

  it('protects /metrics with the system key', async () => {
    const none = await fetch(`${worker.metricsUrl}/metrics`);
    expect([none.status, await none.json()]).toEqual([
      401,
      { error: 'Unauthorized', message: 'A system key is required: send header x-functions-key or query parameter code.' },
    ]);
    const wrong = await fetch(`${worker.metricsUrl}/metrics`, { headers: { 'x-functions-key': 'not-the-key' } });
    expect(wrong.status).toBe(401);
  });

  it('reports the episodes and activities it ran, the partitions it owns and what runs', async () => {
    const done = await fetch(`${api.url}/orchestrators/E1_HelloSequence/wait?timeout=30&code=${KEY}`, { method: 'POST' });
    expect(done.status).toBe(200);
    expect(await done.json()).toEqual(['Hello Tokyo!', 'Hello Seattle!', 'Hello London!']);

    const res = await fetch(`${worker.metricsUrl}/metrics?code=${KEY}`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
    const all = samples(await res.text());
    expect(all.get(`taskhub_worker_orchestration_episodes_total{task_hub="${hub}",outcome="completed"}`)).toBeGreaterThanOrEqual(4);
    expect(all.get(`taskhub_worker_activities_total{task_hub="${hub}",outcome="completed"}`)).toBe(3);
    expect(all.get(`taskhub_worker_partitions_owned{task_hub="${hub}"}`)).toBe(2);
    expect(all.get(`taskhub_storage_operations_total{operation="completeActivityWorkItem",outcome="ok"}`)).toBe(3);
    expect([...all.keys()].some((k) => k.startsWith('taskhub_build_info{version="'))).toBe(true);
    // The worker serves no API: no HTTP request was counted.
    expect([...all.keys()].filter((k) => k.startsWith('taskhub_http_requests_total'))).toEqual([]);
  });
});

describe('TASKHUB_METRICS_PUBLIC on a worker-only process', () => {
  it('serves /metrics without a key; stopping the process closes the listener', async () => {
    const open = await startServer(
      testConfig({
        AzureWebJobsStorage: azuriteConnectionString(),
        TASKHUB_HUB_NAME: freshHubName('wpub'),
        TASKHUB_DATA_DIR: dataDir,
        TASKHUB_METRICS_PUBLIC: 'true',
        TASKHUB_WORKER_ONLY: 'true',
        TASKHUB_METRICS_PORT: '0',
        LOG_LEVEL: 'silent',
      }),
    );
    const url = open.metricsUrl!;
    try {
      const res = await fetch(`${url}/metrics`);
      expect(res.status).toBe(200);
      expect(await res.text()).toContain('taskhub_worker_partitions_owned');
    } finally {
      await open.close();
    }
    await expect(fetch(`${url}/health`)).rejects.toThrow();
  });
});
