// The instance list: filters kept in the URL, counts per status, sorting within what is loaded,
// "Load more" paging, auto-refresh, and row selection for batches.

import { api, filterQuery } from './api.js';
import { openBatchDialog } from './batch-dialog.js';
import { STATUSES, announce, errorBox, formatTime, h, instanceDuration } from './dom.js';

const PAGE_SIZE = 50;
const RANGES = [
  ['15m', 'Last 15 minutes', 15 * 60e3],
  ['1h', 'Last hour', 3600e3],
  ['24h', 'Last 24 hours', 86400e3],
  ['7d', 'Last 7 days', 7 * 86400e3],
  ['30d', 'Last 30 days', 30 * 86400e3],
  ['all', 'Any time'],
  ['custom', 'Custom range'],
];
const SORTS = [
  ['created-desc', 'Created, newest first'],
  ['created-asc', 'Created, oldest first'],
  ['updated-desc', 'Last updated, newest first'],
  ['updated-asc', 'Last updated, oldest first'],
];
const BATCH_OPERATIONS = [
  ['terminate', 'Terminate'],
  ['suspend', 'Suspend'],
  ['resume', 'Resume'],
  ['rewind', 'Rewind'],
  ['restart', 'Restart'],
  ['raiseEvent', 'Raise event'],
  ['purge', 'Purge'],
];

/** URL parameters -> the filter the API takes (times resolved now, for relative ranges). */
export function filterFromParams(params) {
  const range = params.get('range') || '24h';
  const preset = RANGES.find(([id]) => id === range);
  let from, to;
  if (range === 'custom') {
    from = params.get('from') ? new Date(params.get('from')).toISOString() : undefined;
    to = params.get('to') ? new Date(params.get('to')).toISOString() : undefined;
  } else if (preset && preset[2]) {
    from = new Date(Date.now() - preset[2]).toISOString();
  }
  const statuses = (params.get('status') || '').split(',').filter((s) => STATUSES.includes(s));
  return { range, from, to, statuses, name: params.get('name') || '', prefix: params.get('prefix') || '' };
}

/** A labelled control; the explicit name keeps option texts of a wrapped <select> out of it. */
const field = (label, control) => {
  if (!control.hasAttribute('aria-label')) control.setAttribute('aria-label', label);
  return h('label', {}, label, control);
};
const select = (id, options, value) =>
  h('select', { id }, ...options.map(([v, text]) => h('option', { value: v, selected: v === value, text })));

export function renderList(root, ctx, params, onStop) {
  ctx.tz = params.get('tz') || 'utc';
  ctx.lastList = location.hash || '#/';
  const filter = filterFromParams(params);
  const admin = ctx.role === 'admin';
  let rows = [];
  let token;
  const selected = new Set();

  // Filters -------------------------------------------------------------------------------------
  const range = select('f-range', RANGES, filter.range);
  const toLocalInput = (iso) =>
    iso ? new Date(new Date(iso).getTime() - new Date().getTimezoneOffset() * 60e3).toISOString().slice(0, 16) : '';
  const from = h('input', { id: 'f-from', type: 'datetime-local', value: toLocalInput(params.get('from')) });
  const to = h('input', { id: 'f-to', type: 'datetime-local', value: toLocalInput(params.get('to')) });
  const custom = h(
    'span',
    { class: 'filters', hidden: filter.range !== 'custom' },
    field('From (local time)', from),
    field('To (local time)', to),
  );
  range.addEventListener('change', () => (custom.hidden = range.value !== 'custom'));
  const statusBoxes = STATUSES.map((s) => h('input', { type: 'checkbox', value: s, checked: filter.statuses.includes(s) }));
  const statusSet = h(
    'fieldset',
    {},
    h('legend', { text: 'Status' }),
    ...statusBoxes.map((box) => h('label', { class: 'inline' }, box, box.value)),
  );
  const name = h('input', { id: 'f-name', value: filter.name, placeholder: 'Foo or Foo*', size: 16 });
  const prefix = h('input', { id: 'f-prefix', value: filter.prefix, size: 16 });
  const sort = select('f-sort', SORTS, params.get('sort') || 'created-desc');
  const refresh = select(
    'f-refresh',
    [
      ['0', 'Off'],
      ['1', 'Every 1 s'],
      ['5', 'Every 5 s'],
      ['10', 'Every 10 s'],
    ],
    params.get('refresh') || '0',
  );
  const tz = select(
    'f-tz',
    [
      ['utc', 'UTC'],
      ['local', 'Local time'],
    ],
    ctx.tz,
  );

  const apply = (e) => {
    e?.preventDefault();
    const next = new URLSearchParams();
    next.set('range', range.value);
    if (range.value === 'custom') {
      if (from.value) next.set('from', new Date(from.value).toISOString());
      if (to.value) next.set('to', new Date(to.value).toISOString());
    }
    const statuses = statusBoxes.filter((b) => b.checked).map((b) => b.value);
    if (statuses.length) next.set('status', statuses.join(','));
    if (name.value.trim()) next.set('name', name.value.trim());
    if (prefix.value.trim()) next.set('prefix', prefix.value.trim());
    if (sort.value !== 'created-desc') next.set('sort', sort.value);
    if (refresh.value !== '0') next.set('refresh', refresh.value);
    if (tz.value !== 'utc') next.set('tz', tz.value);
    ctx.navigate(`#/?${next}`);
  };
  for (const control of [sort, refresh, tz]) control.addEventListener('change', apply);

  const form = h(
    'form',
    { class: 'filters', onsubmit: apply, 'aria-label': 'Filter instances' },
    field('Created', range),
    custom,
    statusSet,
    field('Orchestrator name', name),
    field('Instance ID prefix', prefix),
    h('button', { type: 'submit', class: 'primary', text: 'Apply filter' }),
    field('Sort loaded rows', sort),
    field('Auto-refresh', refresh),
    field('Times', tz),
  );

  // Counts, table, paging -----------------------------------------------------------------------
  const counts = h('ul', { class: 'counts', 'aria-label': 'Instances per status' });
  const message = h('div');
  const tbody = h('tbody');
  const selectAllRows = h('input', {
    type: 'checkbox',
    'aria-label': 'Select all loaded rows',
    onchange: () => {
      for (const r of rows) {
        if (selectAllRows.checked) selected.add(r.instanceId);
        else selected.delete(r.instanceId);
      }
      draw();
    },
  });
  const head = h(
    'tr',
    {},
    admin ? h('th', {}, selectAllRows) : null,
    ...['Instance ID', 'Name', 'Status', 'Created', 'Last updated', 'Duration', 'Custom status'].map((t) =>
      h('th', { scope: 'col', class: t === 'Custom status' || t === 'Duration' ? 'hide-narrow' : undefined, text: t }),
    ),
  );
  const more = h('button', { type: 'button', hidden: true, onclick: () => void load(false), text: 'Load more' });
  const loadedNote = h('span', { class: 'note' });

  const compare = {
    'created-desc': (a, b) => b.createdTime.localeCompare(a.createdTime),
    'created-asc': (a, b) => a.createdTime.localeCompare(b.createdTime),
    'updated-desc': (a, b) => b.lastUpdatedTime.localeCompare(a.lastUpdatedTime),
    'updated-asc': (a, b) => a.lastUpdatedTime.localeCompare(b.lastUpdatedTime),
  }[sort.value];

  function draw() {
    const sorted = [...rows].sort(compare);
    tbody.replaceChildren(
      ...sorted.map((s) =>
        h(
          'tr',
          {},
          admin
            ? h(
                'td',
                {},
                h('input', {
                  type: 'checkbox',
                  'aria-label': `Select ${s.instanceId}`,
                  checked: selected.has(s.instanceId),
                  onchange: (e) => {
                    if (e.target.checked) selected.add(s.instanceId);
                    else selected.delete(s.instanceId);
                    drawBatchBar();
                  },
                }),
              )
            : null,
          h('td', { class: 'id' }, h('a', { href: `#/instance/${encodeURIComponent(s.instanceId)}`, text: s.instanceId })),
          h('td', { class: 'wrap', text: s.name }),
          h('td', { class: `status status-${s.runtimeStatus}`, text: s.runtimeStatus }),
          h('td', { text: formatTime(s.createdTime, ctx.tz) }),
          h('td', { text: formatTime(s.lastUpdatedTime, ctx.tz) }),
          h('td', { class: 'hide-narrow', text: instanceDuration(s) }),
          h('td', { class: 'wrap hide-narrow', text: s.customStatus === null ? '' : JSON.stringify(s.customStatus).slice(0, 120) }),
        ),
      ),
    );
    if (rows.length === 0) tbody.append(h('tr', {}, h('td', { colspan: 8, class: 'note', text: 'No instances match.' })));
    more.hidden = !token;
    loadedNote.textContent = `${rows.length} loaded${token ? ', more available' : ''}.`;
    drawBatchBar();
  }

  // Batch bar (full-access keys only) ------------------------------------------------------------
  const allMatching = h('input', { type: 'checkbox', id: 'all-matching', onchange: () => drawBatchBar() });
  const operation = select('batch-op', BATCH_OPERATIONS, 'terminate');
  const batchButton = h('button', {
    type: 'button',
    onclick: () => {
      const target = allMatching.checked ? { filter } : { instanceIds: [...selected] };
      openBatchDialog(ctx, operation.value, target, () => void load(true));
    },
    text: 'Batch…',
  });
  const batchInfo = h('span', { class: 'note' });
  function drawBatchBar() {
    batchInfo.textContent = allMatching.checked ? 'All instances matching the filter' : `${selected.size} selected`;
    batchButton.disabled = !allMatching.checked && selected.size === 0;
  }
  const batchBar = admin
    ? h(
        'div',
        { class: 'toolbar', role: 'group', 'aria-label': 'Batch operations' },
        h('label', { class: 'inline' }, allMatching, 'All matching the filter'),
        batchInfo,
        field('Batch operation', operation),
        batchButton,
      )
    : null;

  async function loadCounts() {
    try {
      const { data } = await api('GET', '/instances/counts', { query: { ...filterQuery({ ...filter, statuses: [] }) } });
      counts.replaceChildren(
        h('li', { text: `Total ${data.total}` }),
        ...STATUSES.filter((s) => data.counts[s] > 0 || filter.statuses.includes(s)).map((s) =>
          h('li', {}, h('span', { class: `status status-${s}`, text: s }), ` ${data.counts[s]}`),
        ),
      );
    } catch (error) {
      counts.replaceChildren(h('li', { class: 'error', text: `Counts unavailable: ${error.message}` }));
    }
  }

  async function load(reset) {
    message.replaceChildren();
    // Relative ranges ("last hour") move with the clock on every refresh.
    if (reset) Object.assign(filter, filterFromParams(params));
    try {
      if (reset) token = undefined;
      const found = [];
      // A page may be empty and still have a next page; read on a little so the view is not blank.
      for (let i = 0; i < 5; i++) {
        const headers = token ? { 'x-ms-continuation-token': token } : {};
        const res = await api('GET', '/instances', { query: { ...filterQuery(filter), showInput: false, top: PAGE_SIZE }, headers });
        found.push(...res.data);
        token = res.headers.get('x-ms-continuation-token') || undefined;
        if (found.length > 0 || !token) break;
      }
      rows = reset ? found : rows.concat(found);
      draw();
      announce(`${rows.length} instances loaded`);
    } catch (error) {
      message.replaceChildren(errorBox(error));
    }
  }

  root.replaceChildren(
    ...[h('h1', { text: 'Orchestration instances' }), form, counts, batchBar, message].filter(Boolean),
    h(
      'div',
      { class: 'table-wrap' },
      h('table', {}, h('caption', { class: 'visually-hidden', text: 'Instances' }), h('thead', {}, head), tbody),
    ),
    h('div', { class: 'toolbar' }, more, loadedNote),
  );
  void Promise.all([load(true), loadCounts()]);

  const seconds = Number(refresh.value);
  if (seconds > 0) {
    const timer = setInterval(() => void Promise.all([load(true), loadCounts()]), seconds * 1000);
    onStop(() => clearInterval(timer));
  }
}
