// An instance's history as a paged table and as a timeline of bars (activities, timers,
// sub-orchestrations, waits for events) on one time axis. Paging keeps 10,000-event histories responsive.

import { formatDuration, formatTime, h } from './dom.js';

const TABLE_PAGE = 100;
const TIMELINE_PAGE = 150;

const ms = (iso) => (iso ? Date.parse(iso) : NaN);
const link = (id) => h('a', { href: `#/instance/${encodeURIComponent(id)}`, text: id });

/** Bars from the folded history view: [start, end) with a kind for the colour. */
export function timelineBars(events, now = Date.now()) {
  const bars = [];
  const started = events.find((e) => e.EventType === 'ExecutionStarted');
  const completed = events.find((e) => e.EventType === 'ExecutionCompleted' || e.EventType === 'ExecutionTerminated');
  if (started)
    bars.push({
      kind: 'orchestration',
      label: started.FunctionName || 'Orchestration',
      start: ms(started.Timestamp),
      end: completed ? ms(completed.Timestamp) : now,
    });
  events.forEach((e, i) => {
    switch (e.EventType) {
      case 'TaskCompleted':
      case 'TaskFailed':
        bars.push({
          kind: e.EventType === 'TaskFailed' ? 'failed' : 'activity',
          label: `Activity ${e.FunctionName ?? ''}`,
          start: ms(e.ScheduledTime),
          end: ms(e.Timestamp),
        });
        break;
      case 'TaskScheduled':
        bars.push({ kind: 'activity', label: `Activity ${e.Name ?? ''} (running)`, start: ms(e.Timestamp), end: now });
        break;
      case 'SubOrchestrationInstanceCompleted':
      case 'SubOrchestrationInstanceFailed':
        bars.push({
          kind: e.EventType.endsWith('Failed') ? 'failed' : 'suborchestration',
          label: `Sub-orchestration ${e.FunctionName ?? ''}`,
          start: ms(e.ScheduledTime),
          end: ms(e.Timestamp),
          instanceId: e.InstanceId,
        });
        break;
      case 'SubOrchestrationInstanceCreated':
        bars.push({
          kind: 'suborchestration',
          label: `Sub-orchestration ${e.Name ?? ''} (running)`,
          start: ms(e.Timestamp),
          end: now,
          instanceId: e.InstanceId,
        });
        break;
      case 'TimerCreated':
        // A timer ends when it fires or, at the latest, when its execution ended (a cancelled
        // 10-minute timeout would otherwise stretch the axis far past everything that happened).
        bars.push({
          kind: 'timer',
          label: 'Timer',
          start: ms(e.Timestamp),
          end: completed ? Math.min(ms(e.FireAt), ms(completed.Timestamp)) : ms(e.FireAt),
        });
        break;
      case 'EventRaised': {
        // A wait for an external event leaves no record of its own (waitForExternalEvent schedules
        // nothing, and the API's view drops the episode markers), so the bar's start is the best the
        // history gives: the event before it in the history, or the execution's start when none. The
        // orchestrator began the wait at the latest in the episode that processed that event (the
        // last one before this event arrived): exact for "do X, then wait" and for repeated waits
        // (the previous event consumed), HumanApproval-style waits begin at the start anyway; a wait
        // begun earlier and kept through later events is drawn shorter than it was.
        const end = ms(e.Timestamp);
        const before = i > 0 ? ms(events[i - 1].Timestamp) : NaN;
        const start = Math.min(Number.isFinite(before) ? before : ms(started?.Timestamp), end);
        bars.push({ kind: 'wait', label: `Wait for event ${e.Name ?? ''}`, start, end });
        break;
      }
      default:
    }
  });
  return bars.filter((b) => Number.isFinite(b.start) && Number.isFinite(b.end));
}

function pager(total, size, onPage, label) {
  let page = 0;
  const pages = Math.max(1, Math.ceil(total / size));
  const info = h('span', { class: 'note' });
  const prev = h('button', { type: 'button', text: 'Previous page', 'aria-label': `Previous ${label} page` });
  const next = h('button', { type: 'button', text: 'Next page', 'aria-label': `Next ${label} page` });
  const go = (p) => {
    page = Math.min(Math.max(p, 0), pages - 1);
    prev.disabled = page === 0;
    next.disabled = page >= pages - 1;
    info.textContent = `Page ${page + 1} of ${pages} (${total} ${label})`;
    onPage(page * size, Math.min(total, (page + 1) * size));
  };
  prev.addEventListener('click', () => go(page - 1));
  next.addEventListener('click', () => go(page + 1));
  return { element: h('div', { class: 'toolbar' }, prev, next, info), go };
}

export function timeline(events) {
  const bars = timelineBars(events);
  if (bars.length === 0) return h('p', { class: 'note', text: 'Nothing to draw yet.' });
  const t0 = Math.min(...bars.map((b) => b.start));
  const t1 = Math.max(...bars.map((b) => b.end), t0 + 1);
  const span = t1 - t0;
  const rows = h('div', {
    class: 'timeline',
    role: 'list',
    'aria-label': `Timeline from ${new Date(t0).toISOString()}, ${formatDuration(span)} wide`,
  });
  const page = pager(
    bars.length,
    TIMELINE_PAGE,
    (from, to) => {
      rows.replaceChildren(
        ...bars.slice(from, to).map((b) => {
          const left = ((b.start - t0) / span) * 100;
          const width = Math.max(((b.end - b.start) / span) * 100, 0.3);
          const title = `${b.label}: ${formatDuration(b.end - b.start)}`;
          return h(
            'div',
            { class: 'tl-row', role: 'listitem' },
            h(
              'div',
              { class: 'tl-label', title: b.label },
              b.instanceId ? h('a', { href: `#/instance/${encodeURIComponent(b.instanceId)}`, text: b.label }) : b.label,
            ),
            h(
              'div',
              { class: 'tl-track' },
              h('div', {
                class: `tl-bar tl-${b.kind}`,
                style: { left: `${left}%`, width: `${Math.min(width, 100 - left)}%` },
                title,
                'aria-label': title,
              }),
            ),
          );
        }),
      );
    },
    'bars',
  );
  page.go(0);
  const legend = h(
    'div',
    { class: 'legend', 'aria-hidden': 'true' },
    ...[
      ['orchestration', '#57606a'],
      ['activity', '#0969da'],
      ['timer', '#bf8700'],
      ['sub-orchestration', '#8250df'],
      ['wait for event', '#1a7f37'],
      ['failed', '#cf222e'],
    ].map(([name, colour]) => h('span', { style: { '--c': colour }, text: name })),
  );
  return h('div', {}, legend, rows, bars.length > TIMELINE_PAGE ? page.element : null);
}

const brief = (value) => {
  if (value === undefined || value === null) return '';
  const text = typeof value === 'string' ? value : JSON.stringify(value);
  return text.length > 160 ? `${text.slice(0, 160)}…` : text;
};

export function historyTable(events, tz) {
  const query = h('input', { id: 'history-filter', type: 'search', placeholder: 'event type or name' });
  const tbody = h('tbody');
  let shown = events;
  const order = new Map(events.map((e, i) => [e, i + 1]));
  const draw = (from, to) => {
    tbody.replaceChildren(
      ...shown.slice(from, to).map((e) => {
        const start = ms(e.ScheduledTime);
        const took = Number.isFinite(start) ? formatDuration(ms(e.Timestamp) - start) : '';
        const details =
          e.EventType === 'TaskFailed' || e.EventType.endsWith('Failed')
            ? [e.Reason, e.Details].filter(Boolean).join(': ')
            : brief(e.Result ?? e.Input ?? e.Reason ?? e.Data);
        return h(
          'tr',
          {},
          h('td', { text: String(order.get(e)) }),
          h('td', { text: formatTime(e.Timestamp, tz) }),
          h('td', { text: e.EventType }),
          h('td', { class: 'wrap', text: e.FunctionName ?? e.Name ?? '' }),
          h('td', { class: 'hide-narrow', text: took }),
          h('td', { class: 'wrap' }, e.InstanceId && e.EventType.startsWith('SubOrchestration') ? link(e.InstanceId) : brief(details)),
        );
      }),
    );
  };
  let page = pager(shown.length, TABLE_PAGE, draw, 'events');
  const pagerSlot = h('div', {}, page.element);
  query.addEventListener('input', () => {
    const q = query.value.trim().toLowerCase();
    shown = q ? events.filter((e) => `${e.EventType} ${e.FunctionName ?? e.Name ?? ''}`.toLowerCase().includes(q)) : events;
    page = pager(shown.length, TABLE_PAGE, draw, 'events');
    pagerSlot.replaceChildren(page.element);
    page.go(0);
  });
  page.go(0);
  return h(
    'div',
    {},
    h('label', {}, 'Filter history', query),
    h(
      'div',
      { class: 'table-wrap' },
      h(
        'table',
        { 'aria-label': 'History' },
        h(
          'thead',
          {},
          h(
            'tr',
            {},
            ...['#', 'Time', 'Event type', 'Name', 'Took', 'Details'].map((t) =>
              h('th', { scope: 'col', class: t === 'Took' ? 'hide-narrow' : undefined, text: t }),
            ),
          ),
        ),
        tbody,
      ),
    ),
    pagerSlot,
  );
}
