// Durable entities (shown only when the server has the entity routes): list with state, signal.

import { api } from './api.js';
import { errorBox, formatTime, h, jsonTree, parseJsonInput } from './dom.js';

const PAGE_SIZE = 50;

export async function renderEntities(root, ctx) {
  const tbody = h('tbody');
  const message = h('div', { role: 'status' });
  const more = h('button', { type: 'button', hidden: true, text: 'Load more' });
  let token;

  async function load(reset = false) {
    try {
      if (reset) token = undefined;
      const headers = token ? { 'x-ms-continuation-token': token } : {};
      const res = await api('GET', '/entities', { query: { fetchState: true, top: PAGE_SIZE }, headers });
      token = res.headers.get('x-ms-continuation-token') || undefined;
      more.hidden = !token;
      if (reset) tbody.replaceChildren();
      for (const entity of res.data) {
        tbody.append(
          h(
            'tr',
            {},
            h('td', { class: 'id', text: `@${entity.entityId.name}@${entity.entityId.key}` }),
            h('td', { text: formatTime(entity.lastOperationTime, ctx.tz) }),
            h('td', { class: 'wrap' }, stateCell(entity.state)),
            ctx.role === 'admin'
              ? h(
                  'td',
                  {},
                  signalForm(entity.entityId, message, () => setTimeout(() => void load(true), 1000)),
                )
              : null,
          ),
        );
      }
      if (!tbody.children.length) tbody.append(h('tr', {}, h('td', { colspan: 4, class: 'note', text: 'No entities.' })));
    } catch (error) {
      message.replaceChildren(errorBox(error));
    }
  }
  more.addEventListener('click', () => void load());
  const refresh = h('button', { type: 'button', onclick: () => void load(true), text: 'Refresh' });

  root.replaceChildren(
    h('h1', { text: 'Entities' }),
    h('div', { class: 'toolbar' }, refresh),
    message,
    h(
      'div',
      { class: 'table-wrap' },
      h(
        'table',
        { 'aria-label': 'Entities' },
        h(
          'thead',
          {},
          h(
            'tr',
            {},
            ...['Entity', 'Last operation', 'State', ctx.role === 'admin' ? 'Signal' : null]
              .filter(Boolean)
              .map((t) => h('th', { scope: 'col', text: t })),
          ),
        ),
        tbody,
      ),
    ),
    h('div', { class: 'toolbar' }, more),
  );
  await load();
}

/** Small states read inline; larger ones as collapsible JSON. */
function stateCell(state) {
  const text = JSON.stringify(state) ?? 'null';
  if (text.length <= 80) return h('code', { text });
  return h('details', {}, h('summary', { text: `State (${text.length} characters)` }), jsonTree(state));
}

function signalForm(entityId, message, afterSignal) {
  const label = `@${entityId.name}@${entityId.key}`;
  const op = h('input', { required: true, size: 10, 'aria-label': `Operation for ${label}` });
  const input = h('input', { size: 12, 'aria-label': `Input (JSON) for ${label}` });
  return h(
    'form',
    {
      class: 'toolbar',
      onsubmit: async (e) => {
        e.preventDefault();
        try {
          const body = parseJsonInput(input.value, 'Input');
          await api('POST', `/entities/${encodeURIComponent(entityId.name)}/${encodeURIComponent(entityId.key)}`, {
            query: { op: op.value.trim() },
            body,
          });
          message.replaceChildren(h('p', { class: 'ok', text: `Signalled ${op.value.trim()} to ${label}.` }));
          afterSignal();
        } catch (error) {
          message.replaceChildren(errorBox(error));
        }
      },
    },
    op,
    input,
    h('button', { type: 'submit', text: 'Signal' }),
  );
}
