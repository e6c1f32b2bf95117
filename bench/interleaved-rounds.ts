// Measured windows for bench/api-vs-raw.ts's GET comparison. On a shared 2-core machine the load of
// other processes drifts within seconds, and one window per side put that drift into the ratio
// (1.27-2.63 between runs). Here each round is a server window and a raw window back to back,
// ABBA-ordered so a steady trend falls on both sides equally; each round gives its own ratio and the
// median of those is the figure, with the spread printed beside it.

import type { RequestCounter } from './storage-request-counter.js';

export interface Window {
  done: number;
  failed: number;
  /** CPU microseconds (user + system) of the client process during the window. */
  cpu: number;
  /** Of which in the kernel: on loopback a socket write also delivers to the reader, on the writer's CPU. */
  systemCpu: number;
}

/** CPU microseconds of a process so far. */
export interface CpuTotals {
  cpu: number;
  system: number;
}

export interface LoadClient {
  /** Reads for `seconds` (the client is already warmed up). */
  read(seconds: number): Promise<Window>;
}

export interface RoundsOptions {
  rounds: number;
  seconds: number;
  counter: RequestCounter;
  serverCpu(): Promise<CpuTotals>;
}

interface Side {
  readsPerSecond: number;
  /** CPU microseconds per read of the party under test (server process, or the raw client). */
  cpuPerRead: number;
  /** Of which system (kernel) time. */
  systemPerRead: number;
  /** CPU microseconds per read of the client process. */
  clientCpuPerRead: number;
}

export interface RoundsResult {
  server: Side;
  raw: Side;
  /** Median and range of the rounds' server/raw CPU-per-read ratios. */
  ratio: { median: number; min: number; max: number };
  /** Storage requests per read, by kind, over all windows of a side. */
  serverStorage: Map<string, number>;
  rawStorage: Map<string, number>;
  /** The server's own CPU while only the raw client ran (timers, flushes), in % of one core. */
  serverIdlePercent: number;
}

const medianOf = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
};

function addCounts(total: Map<string, number>, counts: Map<string, number>): void {
  for (const [kind, n] of counts) total.set(kind, (total.get(kind) ?? 0) + n);
}

const divided = (counts: Map<string, number>, by: number) => new Map([...counts].map(([kind, n]) => [kind, n / by]));

export async function measureRounds(viaServer: LoadClient, raw: LoadClient, options: RoundsOptions): Promise<RoundsResult> {
  const { counter, seconds } = options;
  const serverRounds: (Window & { serverCpu: CpuTotals })[] = [];
  const rawRounds: Window[] = [];
  const serverStorage = new Map<string, number>();
  const rawStorage = new Map<string, number>();
  let idleCpu = 0;

  const serverWindow = async () => {
    const before = await options.serverCpu();
    counter.reset();
    const window = await viaServer.read(seconds);
    const after = await options.serverCpu();
    const serverCpu = { cpu: after.cpu - before.cpu, system: after.system - before.system };
    addCounts(serverStorage, counter.counts());
    serverRounds.push({ ...window, serverCpu });
  };
  const rawWindow = async () => {
    const before = await options.serverCpu();
    counter.reset();
    const window = await raw.read(seconds);
    idleCpu += (await options.serverCpu()).cpu - before.cpu;
    addCounts(rawStorage, counter.counts());
    rawRounds.push(window);
  };

  for (let round = 0; round < options.rounds; round++) {
    if (round % 2 === 0) {
      await serverWindow();
      await rawWindow();
    } else {
      await rawWindow();
      await serverWindow();
    }
  }

  const ratios = serverRounds.map((s, i) => s.serverCpu.cpu / s.done / (rawRounds[i].cpu / rawRounds[i].done));
  const total = (windows: Window[]) => windows.reduce((sum, w) => sum + w.done, 0);
  return {
    server: {
      readsPerSecond: medianOf(serverRounds.map((w) => w.done / seconds)),
      cpuPerRead: medianOf(serverRounds.map((w) => w.serverCpu.cpu / w.done)),
      systemPerRead: medianOf(serverRounds.map((w) => w.serverCpu.system / w.done)),
      clientCpuPerRead: medianOf(serverRounds.map((w) => w.cpu / w.done)),
    },
    raw: {
      readsPerSecond: medianOf(rawRounds.map((w) => w.done / seconds)),
      cpuPerRead: medianOf(rawRounds.map((w) => w.cpu / w.done)),
      systemPerRead: medianOf(rawRounds.map((w) => w.systemCpu / w.done)),
      clientCpuPerRead: medianOf(rawRounds.map((w) => w.cpu / w.done)),
    },
    ratio: { median: medianOf(ratios), min: Math.min(...ratios), max: Math.max(...ratios) },
    serverStorage: divided(serverStorage, total(serverRounds)),
    rawStorage: divided(rawStorage, total(rawRounds)),
    serverIdlePercent: (idleCpu / (options.rounds * seconds * 1e6)) * 100,
  };
}
