// `npm run fuzz [count] [seed]`: the full fuzz run against a private in-memory Azurite; prints the
// status histogram and every failure, exits 1 when any invariant broke.

import { withPrivateAzurite } from '../helpers/azurite.js';
import { runFuzz } from './run-fuzz.js';

const count = Number(process.argv[2] ?? 10_000);
const seed = Number(process.argv[3] ?? 9);
await withPrivateAzurite(async (connectionString) => {
  const started = Date.now();
  const result = await runFuzz({
    connectionString,
    hubName: 'fuzzhub',
    count,
    seed,
    onProgress: (done) => {
      if (done % 1000 === 0) process.stderr.write(`  ${done}/${count}\n`);
    },
  });
  console.log(`fuzz: ${result.cases} cases from seed ${seed} in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  console.log('status histogram:');
  for (const [status, n] of Object.entries(result.histogram).sort()) console.log(`  ${status}: ${n}`);
  const fiveHundreds = Object.entries(result.histogram)
    .filter(([s]) => s.startsWith('5'))
    .reduce((sum, [, n]) => sum + n, 0);
  console.log(`5xx: ${fiveHundreds}, crashes: ${result.histogram.crash ?? 0}, failures: ${result.failures.length}`);
  for (const failure of result.failures.slice(0, 50)) console.log(`  FAIL ${failure}`);
  process.exitCode = result.failures.length ? 1 : 0;
});
