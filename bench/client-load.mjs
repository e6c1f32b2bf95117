// Plain JavaScript: run without tsx's loader, so the process holds only what a client needs.
// Client process for bench/api-vs-raw.ts: keeps `concurrency` point reads in flight, either GET
// requests to the server or TableClient.getEntity calls straight to storage. Each client is a
// process of its own (as a real client is), so its CPU per read is its own. One process serves
// every measured window of its side, so the JIT work of its first reads falls in none of them.
// IPC: <- job; after `warmupSeconds` of reads -> { ready };
//      <- { window: seconds } -> { done, failed, cpu, systemCpu } (user + system, and system alone:
//         microseconds of CPU in the window)
import { Agent, request } from 'node:http';
import { once } from 'node:events';
import { TableClient } from '@azure/data-tables';

/**
 * @typedef {{ concurrency: number, warmupSeconds: number }} Load
 * @typedef {(Load & { kind: 'http', urls: string[], headers: Record<string, string> })
 *   | (Load & { kind: 'table', connectionString: string, table: string, keys: string[] })} Job
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
// Each slot walks its own ids; `next` carries on from where the previous window stopped.
let next = 0;

/** Reads for `seconds` with the job's concurrency. */
async function readFor(seconds) {
  const deadline = performance.now() + seconds * 1000;
  let done = 0;
  let failed = 0;
  await Promise.all(
    Array.from({ length: job.concurrency }, async () => {
      while (performance.now() < deadline) {
        if (await read(next++)) done++;
        else failed++;
      }
    }),
  );
  return { done, failed };
}

await readFor(job.warmupSeconds);
process.on('message', (message) => {
  const cpuBefore = process.cpuUsage();
  void readFor(message.window).then(({ done, failed }) => {
    const cpu = process.cpuUsage(cpuBefore);
    process.send?.({ done, failed, cpu: cpu.user + cpu.system, systemCpu: cpu.system });
  });
});
process.send?.({ ready: true });
