// Puts each process of a CPU-per-request comparison on chosen cores (Linux `taskset`), so the
// process being measured has a core to itself on both sides of the comparison: on a shared core
// its CPU per request also carries whatever the neighbours did to its caches and how often they
// pre-empted it, which moved the GET ratio by +-0.15 between rounds on the 2-core machine.

import { execFileSync } from 'node:child_process';
import { availableParallelism } from 'node:os';

export interface CpuLayout {
  /** Pins the process (all its threads) to the measured core. */
  measured: (pid: number) => void;
  /** Pins it to the other cores. */
  others: (pid: number) => void;
  describe: () => string;
}

function taskset(cores: string, pid: number): void {
  execFileSync('taskset', ['-a', '-p', '-c', cores, String(pid)], { stdio: 'ignore' });
}

function hasTaskset(): boolean {
  try {
    execFileSync('taskset', ['-V'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

/** The last core for the measured process, the rest for everything else; none without taskset or with one core. */
export function cpuLayout(enabled: boolean): CpuLayout {
  const cores = availableParallelism();
  if (!enabled || cores < 2 || !hasTaskset()) {
    const why = !enabled ? 'off (--no-pin)' : cores < 2 ? 'off (one core)' : 'off (no taskset)';
    return { measured: () => undefined, others: () => undefined, describe: () => `CPU pinning ${why}` };
  }
  const measuredCore = String(cores - 1);
  const otherCores = cores === 2 ? '0' : `0-${cores - 2}`;
  return {
    measured: (pid) => taskset(measuredCore, pid),
    others: (pid) => taskset(otherCores, pid),
    describe: () =>
      `CPU pinning: the server and the raw client (each measured alone) on core ${measuredCore}; Azurite, the counting proxy and the HTTP load client on ${otherCores}`,
  };
}
