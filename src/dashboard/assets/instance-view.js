// One instance: status, input/output/custom status as collapsible JSON, history as timeline and
// table, links to parent and sub-orchestrations, and the actions (full-access keys only).

import { ApiError, api, instancePath } from './api.js';
import { TERMINAL, announce, confirmDialog, errorBox, formatTime, h, instanceDuration, jsonTree, parseJsonInput } from './dom.js';
import { historyTable, timeline } from './history-view.js';

const ACTIONS = [
  { label: 'Terminate', path: 'terminate', danger: true, when: (s) => !TERMINAL.has(s) },
  { label: 'Suspend', path: 'suspend', when: (s) => !TERMINAL.has(s) && s !== 'Suspended' },
  { label: 'Resume', path: 'resume', when: (s) => s === 'Suspended' },
  { label: 'Rewind', path: 'rewind', when: (s) => s === 'Failed' },
  { label: 'Restart', path: 'restart', when: (s) => TERMINAL.has(s) },
  { label: 'Purge', path: 'purge', danger: true, when: () => true },
];

// Per page root: which render is the newest and the one refresh pending, so that neither an older
// render finishing late nor a refresh scheduled before an action wipes what the page shows now
// (the API's error for that action, say).
const pages = new WeakMap();
function pageState(root) {
  if (!pages.has(root)) pages.set(root, { generation: 0, timer: undefined });
  return pages.get(root);
}

const section = (title, body, open = true) => h('section', { class: 'block' }, h('details', { open }, h('summary', { text: title }), body));

export async function renderInstance(root, ctx, id, onStop) {
  const page = pageState(root);
  clearTimeout(page.timer);
  const generation = ++page.generation;
  onStop(() => {
    clearTimeout(page.timer);
    page.generation++;
  });
  const tz = ctx.tz || 'utc';
  const back = h('a', { href: ctx.lastList || '#/', text: '← Instances' });
  root.replaceChildren(back, h('h1', { text: `Instance ${id}` }), h('p', { class: 'note', text: 'Loading…' }));
  let status;
  try {
    ({ data: status } = await api('GET', instancePath(id), { query: { showHistory: true, showHistoryOutput: true, showInput: true } }));
  } catch (error) {
    if (generation === page.generation) root.replaceChildren(back, h('h1', { text: `Instance ${id}` }), errorBox(error));
    return;
  }
  if (generation !== page.generation) return;
  const events = status.historyEvents || [];
  const started = events.find((e) => e.EventType === 'ExecutionStarted');
  const message = h('div', { role: 'status' });
  const reload = () => void renderInstance(root, ctx, id, onStop);
  const reloadIn = (ms) => {
    clearTimeout(page.timer);
    page.timer = setTimeout(reload, ms);
  };
  const holdReload = () => clearTimeout(page.timer);

  const summary = h(
    'dl',
    { class: 'summary' },
    h('dt', { text: 'Name' }),
    h('dd', { text: status.name }),
    h('dt', { text: 'Status' }),
    h('dd', { class: `status status-${status.runtimeStatus}`, id: 'runtime-status', text: status.runtimeStatus }),
    h('dt', { text: 'Created' }),
    h('dd', { text: formatTime(status.createdTime, tz) }),
    h('dt', { text: 'Last updated' }),
    h('dd', { text: formatTime(status.lastUpdatedTime, tz) }),
    h('dt', { text: 'Duration' }),
    h('dd', { text: instanceDuration(status) }),
    started && started.ParentInstanceId
      ? [
          h('dt', { text: 'Parent' }),
          h('dd', {}, h('a', { href: `#/instance/${encodeURIComponent(started.ParentInstanceId)}`, text: started.ParentInstanceId })),
        ]
      : null,
  );

  const subIds = [...new Set(events.filter((e) => e.EventType.startsWith('SubOrchestration') && e.InstanceId).map((e) => e.InstanceId))];
  const children = subIds.length
    ? section(
        `Sub-orchestrations (${subIds.length})`,
        h('ul', {}, ...subIds.map((sub) => h('li', {}, h('a', { href: `#/instance/${encodeURIComponent(sub)}`, text: sub })))),
      )
    : null;

  // Dropped nulls: replaceChildren would print them as text.
  root.replaceChildren(
    ...[
      back,
      h('h1', { text: `Instance ${id}` }),
      summary,
      h('div', { class: 'toolbar' }, h('button', { type: 'button', onclick: reload, text: 'Refresh' })),
      ctx.role === 'admin' ? actions(ctx, id, status, message, { reloadIn, holdReload }) : null,
      message,
      section('Input', jsonTree(status.input)),
      section('Output', jsonTree(status.output)),
      section('Custom status', jsonTree(status.customStatus)),
      children,
      section(`Timeline`, timeline(events)),
      section(`History (${events.length} events)`, historyTable(events, tz)),
    ].filter(Boolean),
  );
  // Running instances refresh on their own while the page is open.
  if (!TERMINAL.has(status.runtimeStatus)) reloadIn(5000);
}

function actions(ctx, id, status, message, { reloadIn, holdReload }) {
  const report = (error) => message.replaceChildren(errorBox(error));
  const eventName = h('input', { id: 'event-name', required: true });
  const eventData = h('textarea', { id: 'event-data', text: 'true', rows: 3 });
  const raise = h(
    'form',
    {
      class: 'filters',
      'aria-label': 'Raise event',
      onsubmit: async (e) => {
        e.preventDefault();
        holdReload();
        let data;
        try {
          if (!eventName.value.trim()) throw new Error('Give the event a name.');
          data = parseJsonInput(eventData.value, 'Event data');
          if (data === undefined) throw new Error('Event data is empty; send null for no data.');
        } catch (error) {
          return report(error);
        }
        if (
          !(await confirmDialog({
            title: 'Raise event',
            message: `Send event '${eventName.value.trim()}' to ${id}?`,
            confirmLabel: 'Raise event',
          }))
        )
          return;
        try {
          await api('POST', instancePath(id, `/raiseEvent/${encodeURIComponent(eventName.value.trim())}`), { body: data });
          message.replaceChildren(h('p', { class: 'ok', text: `Event '${eventName.value.trim()}' sent.` }));
          announce('Event sent');
          reloadIn(1000);
        } catch (error) {
          report(error);
        }
      },
    },
    h('label', {}, 'Event name', eventName),
    h('label', {}, 'Event data (JSON)', eventData),
    h('button', { type: 'submit', text: 'Raise event' }),
  );

  const buttons = ACTIONS.map((action) =>
    h('button', {
      type: 'button',
      class: action.danger ? 'danger' : undefined,
      // Never disabled: when the API refuses (e.g. terminating a finished instance) its error is shown.
      'data-applies': String(action.when(status.runtimeStatus)),
      text: action.label,
      onclick: async () => {
        holdReload();
        const ok = await confirmDialog({
          title: `${action.label} instance`,
          message: `${action.label} ${id}?`,
          confirmLabel: action.label,
          danger: action.danger,
        });
        if (!ok) return;
        try {
          if (action.path === 'purge') {
            await api('DELETE', instancePath(id));
            ctx.navigate(ctx.lastList || '#/');
            return;
          }
          const { data } = await api('POST', instancePath(id, `/${action.path}`));
          if (action.path === 'restart' && data && data.id && data.id !== id) {
            message.replaceChildren(
              h('p', { class: 'ok' }, 'Restarted as ', h('a', { href: `#/instance/${encodeURIComponent(data.id)}`, text: data.id })),
            );
            return;
          }
          message.replaceChildren(h('p', { class: 'ok', text: `${action.label} requested.` }));
          announce(`${action.label} requested`);
          reloadIn(1000);
        } catch (error) {
          report(error instanceof ApiError ? error : new Error(String(error)));
        }
      },
    }),
  );
  return h('div', { class: 'actions', role: 'group', 'aria-label': 'Actions' }, h('div', { class: 'toolbar' }, ...buttons), raise);
}
