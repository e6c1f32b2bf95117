// Start a new orchestration: a name (offered from the worker's registry when known), an optional
// instance id and JSON input.

import { api } from './api.js';
import { errorBox, h, parseJsonInput } from './dom.js';

export async function openStartDialog(ctx) {
  let names = [];
  try {
    names = (await api('GET', '/orchestrators')).data.names;
  } catch {
    // Unknown names: any name may still be typed.
  }
  const dialog = h('dialog', { 'aria-labelledby': 'start-title' });
  dialog.addEventListener('close', () => dialog.remove());
  const name = h('input', { id: 'start-name', list: 'orchestrator-names', required: true, autocomplete: 'off' });
  const list = h('datalist', { id: 'orchestrator-names' }, ...names.map((n) => h('option', { value: n })));
  const id = h('input', { id: 'start-id', autocomplete: 'off' });
  const input = h('textarea', { id: 'start-input', rows: 5 });
  const message = h('div', { role: 'status' });
  const form = h(
    'form',
    {
      onsubmit: async (e) => {
        e.preventDefault();
        let body;
        try {
          body = parseJsonInput(input.value, 'Input');
        } catch (error) {
          return message.replaceChildren(errorBox(error));
        }
        const path = `/orchestrators/${encodeURIComponent(name.value.trim())}${id.value.trim() ? `/${encodeURIComponent(id.value.trim())}` : ''}`;
        try {
          const { data } = await api('POST', path, { body });
          dialog.close();
          ctx.navigate(`#/instance/${encodeURIComponent(data.id)}`);
        } catch (error) {
          message.replaceChildren(errorBox(error));
        }
      },
    },
    h('h2', { id: 'start-title', text: 'Start orchestration' }),
    h('label', {}, names.length ? 'Orchestrator name (registered names offered)' : 'Orchestrator name', name),
    list,
    h('label', {}, 'Instance ID (optional; generated when empty)', id),
    h('label', {}, 'Input (JSON, optional)', input),
    message,
    h(
      'div',
      { class: 'row' },
      h('button', { type: 'button', onclick: () => dialog.close(), text: 'Cancel' }),
      h('button', { type: 'submit', class: 'primary', text: 'Start' }),
    ),
  );
  dialog.append(form);
  document.body.append(dialog);
  dialog.showModal();
  name.focus();
}
