// Plain JavaScript: run without tsx's loader, so the process holds only what a client needs.
// Client process for bench/api-vs-raw.ts: keeps `concurrency` point reads in flight for `seconds`,
// either GET requests to the server or TableClient.getEntity calls straight to storage. Each client
// is a process of its own (as a real client is), so its CPU per read is its own.
// IPC: <- job; after a warm-up -> { ready }; <- 'go'; after the window -> { done, failed, cpu }
// (cpu: this process's user + system microseconds during the window).
import { Agent, request } from 'node:http';
import { once } from 'node:events';
import { TableClient } from '@azure/data-tables';

/**
 * @typedef {{ kind: 'http', urls: string[], headers: Record<string, string>, seconds: number, concurrency: number }
 *   | { kind: 'table', connectionString: string, table: string, keys: string[], seconds: number, concurrency: number }} Job
 */
const [job] = /** @type {[Job]} */ (await once(process, 'message'));

/** @returns {(i: number) => Promise<boolean>} */
function httpClient() {
  const agent = new Agent({ keepAlive: true, maxSockets: job.concurrency });
  return (i) =>
    new Promise((resolve, reject) => {
      const req = request(job.urls[i % job.urls.length], { agent, headers: job.headers }, (res) => {
        res.resume();
        res.on('end', () => resolve(res.statusCode === 200));
      });
      req.on('error', reject);
      req.end();
    });
}

/** @returns {(i: number) => Promise<boolean>} */
function tableClient() {
  const table = TableClient.fromConnectionString(job.connectionString, job.table, { allowInsecureConnection: true });
  return async (i) => {
    await table.getEntity(job.keys[i % job.keys.length], '');
    return true;
  };
}

const read = job.kind === 'http' ? httpClient() : tableClient();
// Warm-up (connections, JIT) before the measured window, with the window's concurrency.
await Promise.all(
  Array.from({ length: job.concurrency }, async (_, worker) => {
    for (let i = worker; i < 400; i += job.concurrency) await read(i);
  }),
);
const go = once(process, 'message');
process.send?.({ ready: true });
await go;
const cpuBefore = process.cpuUsage();
const deadline = performance.now() + job.seconds * 1000;
let done = 0;
let failed = 0;
await Promise.all(
  Array.from({ length: job.concurrency }, async (_, worker) => {
    for (let i = worker; performance.now() < deadline; i += job.concurrency) {
      if (await read(i)) done++;
      else failed++;
    }
  }),
);
const cpu = process.cpuUsage(cpuBefore);
process.send?.({ done, failed, cpu: cpu.user + cpu.system }, () => process.exit(0));
