// GET /metrics after real traffic and a completed orchestration: every family is present with
// sane values; /health/ready; request ids. Through startServer, so the composition is what runs.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServer, type RunningServer } from '../../src/server.js';
import { azuriteConnectionString, freshHubName } from '../helpers/hub.js';
import { testConfig } from '../helpers/stores.js';

const KEY = 'metrics-key-0123456789';
let server: RunningServer;
let dataDir: string;
let hub: string;

beforeAll(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'taskhub-metrics-'));
  hub = freshHubName('met');
  server = await startServer(
    testConfig({
      AzureWebJobsStorage: azuriteConnectionString(),
      TASKHUB_HUB_NAME: hub,
      TASKHUB_DATA_DIR: dataDir,
      TASKHUB_KEYS: KEY,
      TASKHUB_PARTITION_COUNT: '2',
      PORT: '0',
      LOG_LEVEL: 'silent',
    }),
  );
});
afterAll(async () => {
  await server?.close();
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
const find = (all: Map<string, number>, prefix: string) => [...all].filter(([key]) => key.startsWith(prefix));

describe('GET /metrics', () => {
  it('needs the system key', async () => {
    const res = await fetch(`${server.url}/metrics`);
    expect(res.status).toBe(401);
  });

  it('reports HTTP, storage, worker, partition, queue, waiter and build figures after traffic', async () => {
    const done = await fetch(`${server.url}/orchestrators/E1_HelloSequence/wait?timeout=30&code=${KEY}`, { method: 'POST' });
    expect(done.status).toBe(200);
    expect(await done.json()).toEqual(['Hello Tokyo!', 'Hello Seattle!', 'Hello London!']);
    // A waiter held open while scraping: an instance that waits for an event.
    const started = await fetch(`${server.url}/runtime/webhooks/durabletask/orchestrators/HumanApproval?code=${KEY}`, { method: 'POST' });
    const { id } = (await started.json()) as { id: string };
    const waiting = fetch(`${server.url}/runtime/webhooks/durabletask/instances/${id}/wait?timeout=3&code=${KEY}`);
    await new Promise((r) => setTimeout(r, 300));
    for (let i = 0; i < 3; i++) await fetch(`${server.url}/runtime/webhooks/durabletask/instances/${id}?code=${KEY}`);

    const res = await fetch(`${server.url}/metrics`, { headers: { 'x-functions-key': KEY } });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
    const all = samples(await res.text());
    const status = '/runtime/webhooks/durabletask/instances/:instanceId';

    expect(all.get(`taskhub_http_requests_total{method="GET",route="${status}",status_code="202"}`)).toBe(3);
    expect(all.get(`taskhub_http_request_duration_seconds_count{method="GET",route="${status}",status_code="202"}`)).toBe(3);
    expect(all.get(`taskhub_http_request_duration_seconds_bucket{le="+Inf",method="GET",route="${status}",status_code="202"}`)).toBe(3);
    expect(find(all, 'taskhub_http_requests_total').some(([k]) => k.includes(id))).toBe(false);
    expect(all.get(`taskhub_storage_operations_total{operation="createInstance",outcome="ok"}`)).toBe(2);
    expect(all.get(`taskhub_storage_operation_duration_seconds_count{operation="getInstance"}`)).toBeGreaterThanOrEqual(3);
    expect(all.get(`taskhub_worker_orchestration_episodes_total{task_hub="${hub}",outcome="completed"}`)).toBeGreaterThanOrEqual(4);
    expect(all.get(`taskhub_worker_activities_total{task_hub="${hub}",outcome="completed"}`)).toBe(3);
    expect(all.get(`taskhub_worker_partitions_owned{task_hub="${hub}"}`)).toBe(2);
    const queues = find(all, 'taskhub_queue_messages{');
    expect(queues.map(([k]) => k).sort()).toEqual(
      [`${hub}-control-00`, `${hub}-control-01`, `${hub}-workitems`]
        .map((q) => `taskhub_queue_messages{queue="${q.toLowerCase()}"}`)
        .sort(),
    );
    for (const [, value] of queues) expect(value).toBeGreaterThanOrEqual(0);
    expect(all.get('taskhub_long_poll_waiters')).toBe(1);
    expect(find(all, 'taskhub_build_info{')).toEqual([[`taskhub_build_info{version="0.1.0",node_version="${process.version}"}`, 1]]);
    expect(all.get('process_resident_memory_bytes')).toBeGreaterThan(0);

    expect((await waiting).status).toBe(202);
  });
});

describe('readiness and request ids', () => {
  it('GET /health/ready is 200 for the configured hub; every answer names its request id', async () => {
    const res = await fetch(`${server.url}/health/ready`, { headers: { 'x-request-id': 'trace-42' } });
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ status: 'ready', storage: 'ok', taskHub: 'present' });
    expect(res.headers.get('x-request-id')).toBe('trace-42');
    const other = await fetch(`${server.url}/health`, { headers: { 'x-request-id': 'not a token\u00e9' } });
    expect(other.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
  });
});
