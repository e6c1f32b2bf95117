// Plain JavaScript: worker threads do not inherit tsx's loader on Node 20.
// Client thread for bench/scale/health-during-starts.ts: sends every start at once (one connection
// each, as separate clients would) while a probe asks GET /health one request after another, a short
// pause between them. Being on a thread of its own, the probe's clock is not held up by the server.
import { Agent, request } from 'node:http';
import { parentPort, workerData } from 'node:worker_threads';

/** @type {{ origin: string, headers: Record<string, string>, name: string, count: number, body: string, pauseInMs: number }} */
const job = workerData;
const agent = new Agent({ keepAlive: false, maxSockets: Infinity });
const probeAgent = new Agent({ keepAlive: true, maxSockets: 1 });
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

function send(url, options, body) {
  return new Promise((resolve) => {
    const req = request(url, options, (res) => {
      const chunks = [];
      res.on('data', (chunk) => chunks.push(chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }));
    });
    req.on('error', (error) => resolve({ status: 0, body: String(error) }));
    req.end(body);
  });
}

const probes = [];
let starting = true;
const probe = (async () => {
  while (starting) {
    const began = performance.now();
    const answer = await send(`${job.origin.replace(/\/runtime\/webhooks\/durabletask$/, '')}/health`, { agent: probeAgent });
    probes.push({ ms: performance.now() - began, status: answer.status });
    await sleep(job.pauseInMs);
  }
})();

await sleep(200); // the probe's first answers show the idle server
const began = performance.now();
const bodyBuffer = Buffer.from(job.body, 'utf8');
const idle = probes.length;
const starts = await Promise.all(
  Array.from({ length: job.count }, (_, i) =>
    send(
      `${job.origin}/orchestrators/${job.name}/big-${String(i).padStart(4, '0')}`,
      { method: 'POST', agent, headers: { ...job.headers, 'content-type': 'application/json', 'content-length': bodyBuffer.length } },
      bodyBuffer,
    ),
  ),
);
const startsInMs = performance.now() - began;
starting = false;
await probe;
parentPort?.postMessage({
  startsInMs,
  statuses: starts.map((s) => s.status),
  failures: starts
    .filter((s) => s.status !== 202)
    .slice(0, 3)
    .map((s) => `${s.status} ${s.body.slice(0, 200)}`),
  idleProbes: probes.slice(0, idle),
  probes: probes.slice(idle),
});
