// npm run bench:scale [-- name ...]: runs every module in bench/scale/ (or those named) one after
// another and prints one table of figure, value, baseline, goal and whether the goal is met.
// Each module exports `default async function run(): Promise<Figure[]>` and runs standalone too.
import { readdirSync } from 'node:fs';
import { loadavg } from 'node:os';
import { printFigures, type Figure, type ScaleBenchmark } from './scale-support.js';

const dir = new URL('./scale/', import.meta.url);
const wanted = process.argv.slice(2).filter((a) => !a.startsWith('-'));
const modules = readdirSync(dir)
  .filter((file) => file.endsWith('.ts'))
  .filter((file) => wanted.length === 0 || wanted.some((name) => file.startsWith(name)))
  .sort();

console.log(
  `load average at start: ${loadavg()
    .map((n) => n.toFixed(2))
    .join(' ')}`,
);
const rows: Figure[] = [];
for (const file of modules) {
  const started = performance.now();
  console.log(`\n== ${file}`);
  try {
    const module = (await import(new URL(file, dir).href)) as { default: ScaleBenchmark };
    const figures = await module.default();
    printFigures(figures);
    rows.push(...figures);
  } catch (error) {
    console.error(error);
    rows.push({
      figure: file,
      value: `failed: ${error instanceof Error ? error.message : String(error)}`,
      baseline: '',
      goal: '',
      met: false,
    });
  }
  console.log(`(${file}: ${((performance.now() - started) / 1000).toFixed(0)} s)`);
}
console.log('\n== all figures');
printFigures(rows);
