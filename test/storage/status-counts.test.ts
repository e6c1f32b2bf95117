// Counts per status come from key-range slices that split themselves while they scan: the counts
// must be exact whatever the ids look like, with every filter, however small the pages.

import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RUNTIME_STATUSES, type RuntimeStatus } from '../../src/domain/index.js';
import type { AzureTaskHubStore } from '../../src/storage/azure/index.js';
import { splitPoints } from '../../src/storage/azure/status-count-scan.js';
import type { InstanceQuery } from '../../src/storage/port.js';
import { freshHubName } from '../helpers/hub.js';
import { createHub } from '../helpers/stores.js';

interface Fixture {
  id: string;
  name: string;
  status: RuntimeStatus;
  createdTime: Date;
}

// Leading characters from every corner of the key space: digits, letters, the characters the
// key escaping rewrites, entity ids, control characters, other scripts and past the basic plane.
const LEADING = ['0', '5', '9', 'A', 'M', 'Z', 'a', 'k', 'z', '-', '_', '~', '^', '/', '\\', '#', '?', '@', '\u0001', 'é', '日', '😀'];
const NAMES = ['OrderSaga', 'OrderRefund', 'Billing'];
const base = Date.UTC(2026, 0, 1);

function fixtures(): Fixture[] {
  const out: Fixture[] = [];
  let n = 0;
  for (const lead of LEADING) {
    // Counters, GUIDs and one bare character: dense runs, spread-out keys and a key that is a prefix of others.
    const ids = [lead, ...Array.from({ length: 12 }, (_, i) => `${lead}${String(i).padStart(3, '0')}`)];
    ids.push(...Array.from({ length: 6 }, () => `${lead}${randomUUID().replaceAll('-', '')}`));
    for (const id of ids) {
      out.push({
        id,
        name: NAMES[n % NAMES.length],
        status: RUNTIME_STATUSES[(n * 7) % RUNTIME_STATUSES.length],
        createdTime: new Date(base + (n % 50) * 60_000),
      });
      n++;
    }
  }
  return out;
}

function expected(rows: Fixture[], keep: (f: Fixture) => boolean): Record<RuntimeStatus, number> {
  const counts = Object.fromEntries(RUNTIME_STATUSES.map((s) => [s, 0])) as Record<RuntimeStatus, number>;
  for (const f of rows) if (keep(f)) counts[f.status]++;
  return counts;
}

let store: AzureTaskHubStore;
const rows = fixtures();
beforeAll(async () => {
  store = await createHub(freshHubName('counts'));
  let next = 0;
  await Promise.all(
    Array.from({ length: 8 }, async () => {
      for (let i = next++; i < rows.length; i = next++) {
        const f = rows[i];
        await store.instances.update({
          instanceId: f.id,
          executionId: `e${i}`,
          name: f.name,
          version: '',
          runtimeStatus: f.status,
          input: null,
          createdTime: f.createdTime,
          lastUpdatedTime: f.createdTime,
        });
      }
    }),
  );
}, 120_000);
afterAll(async () => {
  await store?.deleteHub();
});

const cases: [string, InstanceQuery, (f: Fixture) => boolean][] = [
  ['no filter', {}, () => true],
  ['statuses', { runtimeStatus: ['Running', 'Failed', 'Pending'] }, (f) => ['Running', 'Failed', 'Pending'].includes(f.status)],
  ['name prefix', { name: { prefix: 'Order' } }, (f) => f.name.startsWith('Order')],
  [
    'exact name and statuses',
    { name: { exact: 'Billing' }, runtimeStatus: ['Completed'] },
    (f) => f.name === 'Billing' && f.status === 'Completed',
  ],
  [
    'created window',
    { createdTimeFrom: new Date(base + 10 * 60_000), createdTimeTo: new Date(base + 30 * 60_000) },
    (f) => f.createdTime.getTime() >= base + 10 * 60_000 && f.createdTime.getTime() <= base + 30 * 60_000,
  ],
  ['id prefix', { instanceIdPrefix: 'a0' }, (f) => f.id.startsWith('a0')],
  ['id prefix that needs escaping', { instanceIdPrefix: '/' }, (f) => f.id.startsWith('/')],
  ['entities left out', { excludeEntities: true }, (f) => !f.id.startsWith('@')],
];

describe('counts per status over sliced key ranges', () => {
  it.each([
    ['pages of 1,000', {}],
    ['pages of 7, 4 in flight', { pageSize: 7, concurrency: 4 }],
    ['pages of 5, 2 in flight', { pageSize: 5, concurrency: 2 }],
  ])('are exact for every filter with %s', async (_label, options) => {
    for (const [what, query, keep] of cases) {
      expect(await store.instances.countByStatus(query, options), what).toEqual(expected(rows, keep));
    }
  });

  it('stop with the caller abort', async () => {
    const abort = new AbortController();
    abort.abort();
    await expect(store.instances.countByStatus({}, { abortSignal: abort.signal, pageSize: 5 })).rejects.toThrow();
  });
});

describe('splitPoints', () => {
  it('cuts counters at the next digits and leaves the rest to a tail past the alphabet', () => {
    const keys = Array.from({ length: 1000 }, (_, i) => `inst-${String(i).padStart(6, '0')}`);
    expect(splitPoints(keys)).toEqual([...'123456789'].map((d) => `inst-00${d}`).concat('inst-00:'));
  });

  it('cuts GUIDs at every hex digit after the first page', () => {
    const keys = Array.from({ length: 1000 }, (_, i) => (i * 0x6a7ef).toString(16).padStart(8, '0').slice(0, 8) + 'abcdef0123456789');
    keys.sort();
    expect(splitPoints(keys)).toEqual([...'23456789abcdef'].concat('g'));
  });

  it('groups characters so a slice holds about a page, and never cuts inside a surrogate pair', () => {
    const letters = 'abcdefghijklmnopqrstuvwxyz';
    const keys = ['k-a', 'k-b', 'k-c', 'k-d'].map((k) => k + letters);
    // The page spanned a..d, three letters on, so the cuts come three letters apart.
    expect(splitPoints(keys)).toEqual([...'ehknqtwz{'].map((c) => `k-${c}`));
    expect(splitPoints(['\ud83d\ude00a'])).toEqual([]);
    expect(splitPoints([])).toEqual([]);
  });
});
