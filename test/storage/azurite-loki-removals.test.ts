// The embedded Azurite's preload that keeps LokiJS from re-sorting a whole collection's indices on
// every removal (bin/azurite-loki-removals.cjs): removals still remove exactly the documents asked
// for and leave the indices answering like a fresh sort, without the full rebuild for small batches;
// and the emulator that startAzurite spawns runs with it.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startAzurite, type RunningAzurite } from '../../src/storage/azure/azurite.js';

interface Doc {
  queueName: string;
  visibleTime: number;
  n: number;
  $loki?: number;
}
interface LokiCollection {
  insert(docs: Doc[]): void;
  find(query?: object): Doc[];
  remove(docs: Doc[]): void;
  findAndRemove(query: object): void;
  ensureIndex(name: string, force?: boolean): void;
  count(): number;
}
interface LokiDb {
  addCollection(name: string, options: { indices: string[] }): LokiCollection;
}
type LokiModule = (new (name: string) => LokiDb) & { Collection: { prototype: { ensureIndex(name: string, force?: boolean): void } } };

const require = createRequire(import.meta.url);
const preload = require('../../bin/azurite-loki-removals.cjs') as {
  patchBatchRemovals(loki: LokiModule): void;
  isAzuriteEntry(path: string): boolean;
  ONE_BY_ONE_AT_MOST: number;
};
// The lokijs Azurite itself loads.
const Loki = require(require.resolve('lokijs', { paths: [dirname(require.resolve('azurite/package.json'))] })) as LokiModule;

/** A collection shaped like Azurite's messages: two indexed fields, 2,000 documents over 4 queues. */
function messages(): { collection: LokiCollection; rebuilds: () => number } {
  const collection = new Loki('t').addCollection('messages', { indices: ['queueName', 'visibleTime'] });
  collection.insert(Array.from({ length: 2000 }, (_, n) => ({ queueName: `q${n % 4}`, visibleTime: (n * 7919) % 1000, n })));
  let forced = 0;
  const ensure = collection.ensureIndex.bind(collection);
  collection.ensureIndex = (name, force) => {
    if (force) forced++;
    ensure(name, force);
  };
  return { collection, rebuilds: () => forced };
}

/** What the indices answer, against a scan of the documents themselves. */
function expectIndicesConsistent(collection: LokiCollection): void {
  const all = collection.find();
  for (const bound of [0, 250, 999]) {
    const byIndex = collection.find({ visibleTime: { $lte: bound } }).map((d) => d.n);
    expect(byIndex.sort((a, b) => a - b)).toEqual(
      all
        .filter((d) => d.visibleTime <= bound)
        .map((d) => d.n)
        .sort((a, b) => a - b),
    );
  }
  for (const queue of ['q0', 'q1', 'q2', 'q3']) {
    expect(collection.find({ queueName: queue }).length).toBe(all.filter((d) => d.queueName === queue).length);
  }
}

describe('LokiJS batch removals in the embedded Azurite', () => {
  beforeAll(() => preload.patchBatchRemovals(Loki));

  it('removes an empty batch without touching the indices', () => {
    const { collection, rebuilds } = messages();
    collection.remove([]);
    expect(collection.count()).toBe(2000);
    expect(rebuilds()).toBe(0);
    expectIndicesConsistent(collection);
  });

  it('removes a small batch one by one: the same documents go, the indices stay right, nothing is re-sorted', () => {
    const { collection, rebuilds } = messages();
    const doomed = collection.find({ visibleTime: { $lt: 30 } });
    expect(doomed.length).toBeGreaterThan(1);
    expect(doomed.length).toBeLessThanOrEqual(preload.ONE_BY_ONE_AT_MOST);
    const ids = new Set(doomed.map((d) => d.n));
    collection.remove(doomed);
    const alsoDoomed = collection.find({ queueName: 'q3', visibleTime: { $gt: 990 } }).length;
    expect(alsoDoomed).toBeGreaterThan(0);
    collection.findAndRemove({ queueName: 'q3', visibleTime: { $gt: 990 } });
    const left = collection.find();
    expect(left.some((d) => ids.has(d.n))).toBe(false);
    expect(left.some((d) => d.queueName === 'q3' && d.visibleTime > 990)).toBe(false);
    expect(left.length).toBe(2000 - ids.size - alsoDoomed);
    expect(rebuilds()).toBe(0);
    expectIndicesConsistent(collection);
  });

  it('still removes a large batch in one go (one rebuild)', () => {
    const { collection, rebuilds } = messages();
    collection.findAndRemove({ queueName: 'q1' });
    expect(collection.count()).toBe(1500);
    expect(collection.find({ queueName: 'q1' })).toEqual([]);
    expect(rebuilds()).toBeGreaterThan(0);
    expectIndicesConsistent(collection);
  });
});

describe('the emulator startAzurite spawns', () => {
  let azurite: RunningAzurite;
  beforeAll(async () => {
    azurite = await startAzurite();
  }, 60_000);
  afterAll(async () => azurite?.stop());

  it('runs Azurite with the removals preload ahead of its entry script', () => {
    const argv = readFileSync(`/proc/${azurite.pid}/cmdline`, 'utf8').split('\0');
    const preloaded = argv.flatMap((arg, i) => (argv[i - 1] === '--require' ? [arg] : []));
    expect(preloaded.some((path) => path.endsWith('bin/azurite-loki-removals.cjs'))).toBe(true);
    const entry = argv.find((arg) => arg.endsWith('.js') && !preloaded.includes(arg));
    expect(preload.isAzuriteEntry(entry ?? '')).toBe(true);
  });
});
