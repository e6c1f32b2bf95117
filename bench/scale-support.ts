// Shared by `npm run bench:scale` (bench/scale.ts) and the modules in bench/scale/: the figure row
// every module returns, the table they are printed in, and the CPU meter for another process.
import { readFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { pathToFileURL } from 'node:url';

export interface Figure {
  figure: string;
  value: string;
  baseline: string;
  goal: string;
  met: boolean;
}

export type ScaleBenchmark = () => Promise<Figure[]>;

const load = () =>
  loadavg()
    .map((n) => n.toFixed(2))
    .join(' ');

export function printFigures(rows: Figure[]): void {
  const header: Figure = { figure: 'figure', value: 'value', baseline: 'baseline', goal: 'goal', met: false };
  const cells = (r: Figure) => [r.figure, r.value, r.baseline, r.goal, r === header ? 'met' : r.met ? 'yes' : 'NO'];
  const all = [header, ...rows].map(cells);
  const widths = all[0].map((_, c) => Math.max(...all.map((row) => row[c].length)));
  const line = (row: string[]) => row.map((cell, c) => cell.padEnd(widths[c])).join(' | ');
  console.log(line(all[0]));
  console.log(widths.map((w) => '-'.repeat(w)).join('-|-'));
  for (const row of all.slice(1)) console.log(line(row));
  console.log(`load average: ${load()}`);
}

/** Runs `run` and prints its table when the module is the entry point (`npx tsx bench/scale/x.ts`). */
export async function runIfMain(moduleUrl: string, run: ScaleBenchmark): Promise<void> {
  if (!process.argv[1] || moduleUrl !== pathToFileURL(process.argv[1]).href) return;
  console.log(`load average at start: ${load()}`);
  printFigures(await run());
}

/** CPU seconds (user + system) a process has used, from /proc/<pid>/stat. */
export function cpuSecondsOf(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  // Fields after the command name (which may hold spaces) start after the last ')'.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  const ticksPerSecond = 100; // USER_HZ on Linux
  return (Number(fields[11]) + Number(fields[12])) / ticksPerSecond;
}

/** Starts measuring a process's CPU; the returned function gives its use since, as % of one core. */
export function cpuMeter(pid: number): () => number {
  const cpu = cpuSecondsOf(pid);
  const started = performance.now();
  return () => ((cpuSecondsOf(pid) - cpu) / ((performance.now() - started) / 1000)) * 100;
}

export function percentile(values: number[], p: number): number {
  if (values.length === 0) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Epoch milliseconds with sub-millisecond precision, comparable across threads. */
export const nowMs = () => performance.timeOrigin + performance.now();
