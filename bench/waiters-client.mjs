// Plain JavaScript: worker threads do not inherit tsx's loader on Node 20.
// Client thread for bench/scale/waiters.ts: opens one long-poll request per URL, all at once, each
// on a connection of its own (as separate clients would), and reports when each answer arrived.
import { Agent, request } from 'node:http';
import { parentPort, workerData } from 'node:worker_threads';

/** @type {{ urls: string[], headers: Record<string, string> }} */
const job = workerData;
const agent = new Agent({ keepAlive: false, maxSockets: Infinity });
const nowMs = () => performance.timeOrigin + performance.now();

const answers = await Promise.all(
  job.urls.map(
    (url) =>
      new Promise((resolve) => {
        const req = request(url, { agent, headers: job.headers }, (res) => {
          const chunks = [];
          res.on('data', (chunk) => chunks.push(chunk));
          res.on('end', () => resolve({ url, status: res.statusCode, body: Buffer.concat(chunks).toString('utf8'), at: nowMs() }));
        });
        req.on('error', (error) => resolve({ url, status: 0, body: String(error), at: nowMs() }));
        req.end();
      }),
  ),
);
parentPort?.postMessage(answers);
