// The embedded Azurite's LokiJS preload (bin/azurite-lokijs.cjs). Removals still remove exactly the
// documents asked for and leave the indices answering like a fresh sort, without the full rebuild
// for small batches. Row lookups by PartitionKey and RowKey find the same row as a scan, starting
// from the narrower index. And the emulator that startAzurite spawns runs with it.
import { execFileSync } from 'node:child_process';
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
interface Row {
  PartitionKey: string;
  RowKey: string;
  n: number;
}
interface RowCollection {
  insert(docs: Row[]): void;
  find(query?: object): Row[];
  findOne(query: object): Row | null;
}
type FindOne = (this: RowCollection, query: object) => Row | null;
type LokiModule = (new (name: string) => LokiDb) & {
  Collection: { prototype: { findOne: FindOne; removeBatchByPositions: (positions: number[]) => void } };
};

const require = createRequire(import.meta.url);
const preload = require('../../bin/azurite-lokijs.cjs') as {
  patchBatchRemovals(loki: LokiModule): void;
  patchKeyLookups(loki: LokiModule): void;
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

// The patches change a prototype shared by this test worker: put the originals back afterwards.
const { findOne, removeBatchByPositions } = Loki.Collection.prototype;
afterAll(() => Object.assign(Loki.Collection.prototype, { findOne, removeBatchByPositions }));

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

describe('LokiJS row lookups in the embedded Azurite', () => {
  /** The key order each lookup reached LokiJS with (recorded under the patch). */
  const reached: string[][] = [];
  let rows: RowCollection;
  beforeAll(() => {
    const original = Loki.Collection.prototype.findOne;
    Loki.Collection.prototype.findOne = function (this: RowCollection, query: object) {
      reached.push(Object.keys(query));
      return original.call(this, query);
    };
    preload.patchKeyLookups(Loki);
    // A table like a hub's: one long history, small histories whose RowKeys repeat the long one's,
    // and Instances-style rows that all share the empty RowKey.
    rows = new Loki('t').addCollection('History', { indices: ['PartitionKey', 'RowKey'] }) as unknown as RowCollection;
    const key = (i: number) => i.toString(16).padStart(16, '0');
    let n = 0;
    rows.insert(Array.from({ length: 3000 }, (_, i) => ({ PartitionKey: 'long', RowKey: key(i), n: n++ })));
    for (let p = 0; p < 40; p++) rows.insert(Array.from({ length: 10 }, (_, i) => ({ PartitionKey: `short${p}`, RowKey: key(i), n: n++ })));
    rows.insert(Array.from({ length: 200 }, (_, p) => ({ PartitionKey: `instance${p}`, RowKey: '', n: n++ })));
  });

  const scan = (partitionKey: string, rowKey: string) =>
    rows.find().find((row) => row.PartitionKey === partitionKey && row.RowKey === rowKey) ?? null;

  it('finds the same row as a scan, or none, for every kind of key pair', () => {
    const pairs: [string, string][] = [
      ['long', '0000000000000000'],
      ['long', '0000000000000005'],
      ['long', '0000000000000bb7'],
      ['long', 'ffffffffffffffff'],
      ['short3', '0000000000000005'],
      ['short3', '00000000000000ff'],
      ['instance7', ''],
      ['instance999', ''],
      ['nowhere', '0000000000000001'],
    ];
    for (const [partitionKey, rowKey] of pairs) {
      expect(rows.findOne({ PartitionKey: partitionKey, RowKey: rowKey })?.n, `${partitionKey}/${rowKey}`).toBe(
        scan(partitionKey, rowKey)?.n,
      );
    }
  });

  it('starts from the RowKey in a long partition and from the PartitionKey where the RowKey is shared', () => {
    reached.length = 0;
    rows.findOne({ PartitionKey: 'long', RowKey: '0000000000000700' });
    rows.findOne({ PartitionKey: 'instance7', RowKey: '' });
    rows.findOne({ PartitionKey: 'long', n: 3 });
    expect(reached).toEqual([
      ['RowKey', 'PartitionKey'],
      ['PartitionKey', 'RowKey'],
      ['PartitionKey', 'n'],
    ]);
  });
});

describe('the emulator startAzurite spawns', () => {
  let azurite: RunningAzurite;
  beforeAll(async () => {
    azurite = await startAzurite();
  }, 60_000);
  afterAll(async () => azurite?.stop());

  it.runIf(process.platform === 'linux')('runs Azurite with the LokiJS preload ahead of its entry script', () => {
    const argv = readFileSync(`/proc/${azurite.pid}/cmdline`, 'utf8').split('\0');
    const preloaded = argv.flatMap((arg, i) => (argv[i - 1] === '--require' ? [arg] : []));
    expect(preloaded.some((path) => path.endsWith('bin/azurite-lokijs.cjs'))).toBe(true);
    const entry = argv.find((arg) => arg.endsWith('.js') && !preloaded.includes(arg));
    expect(preload.isAzuriteEntry(entry ?? '')).toBe(true);
  });

  it('patches the lokijs Azurite loads, before Azurite runs', () => {
    // The preload, then a probe that reports what Azurite's own lokijs looks like and exits before
    // Azurite's entry script would start the emulator.
    const entry = `${dirname(require.resolve('azurite/package.json'))}/dist/src/azurite.js`;
    const probe = [
      `import { createRequire } from 'node:module';`,
      `const { Collection } = createRequire(process.argv[1])('lokijs');`,
      `console.log(JSON.stringify([Collection.prototype.findOne.narrowerKeyFirst, Collection.prototype.removeBatchByPositions.cheapSmallBatches]));`,
      `process.exit(0);`,
    ].join('\n');
    const out = execFileSync(
      process.execPath,
      [
        '--require',
        require.resolve('../../bin/azurite-lokijs.cjs'),
        '--import',
        `data:text/javascript,${encodeURIComponent(probe)}`,
        entry,
      ],
      { encoding: 'utf8' },
    );
    expect(JSON.parse(out.trim())).toEqual([true, true]);
  });
});
