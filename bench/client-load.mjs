// Plain JavaScript: worker threads do not inherit tsx's loader on Node 20.
// Client thread for bench/api-vs-raw.ts: keeps `concurrency` point reads in flight for `seconds`,
// either GET requests to the server or TableClient.getEntity calls straight to storage. Both kinds
// of client run on their own thread, as a real client would run in its own process.
import { Agent, request } from 'node:http';
import { parentPort, workerData } from 'node:worker_threads';
import { TableClient } from '@azure/data-tables';

/**
 * @type {{ kind: 'http', urls: string[], headers: Record<string, string>, seconds: number, concurrency: number }
 *   | { kind: 'table', connectionString: string, table: string, keys: string[], seconds: number, concurrency: number }}
 */
const job = workerData;

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
// Warm-up (connections, JIT) before the measured window.
for (let i = 0; i < 200; i++) await read(i);
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
parentPort?.postMessage({ done, failed });
