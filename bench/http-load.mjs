// Plain JavaScript: worker threads do not inherit tsx's loader on Node 20.
// Load generator thread for bench/api-vs-raw.ts: keeps `concurrency` GET requests in flight for
// `seconds`, on its own core, so the server's thread is measured without the client's work.
import { Agent, request } from 'node:http';
import { parentPort, workerData } from 'node:worker_threads';

/** @type {{ urls: string[], headers: Record<string, string>, seconds: number, concurrency: number }} */
const job = workerData;
const agent = new Agent({ keepAlive: true, maxSockets: job.concurrency });

/** @param {string} url @returns {Promise<number>} */
function get(url) {
  return new Promise((resolve, reject) => {
    const req = request(url, { agent, headers: job.headers }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode ?? 0));
    });
    req.on('error', reject);
    req.end();
  });
}

const deadline = performance.now() + job.seconds * 1000;
let done = 0;
let failed = 0;
await Promise.all(
  Array.from({ length: job.concurrency }, async (_, worker) => {
    for (let i = worker; performance.now() < deadline; i += job.concurrency) {
      if ((await get(job.urls[i % job.urls.length])) === 200) done++;
      else failed++;
    }
  }),
);
agent.destroy();
parentPort?.postMessage({ done, failed });
