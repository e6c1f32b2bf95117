// The batch dialog: pick options, see how many instances it will touch (a filter is planned on
// the server first), confirm, then watch progress and every per-instance outcome.

import { api, filterBody } from './api.js';
import { errorBox, h, parseJsonInput } from './dom.js';

const LABELS = {
  terminate: 'Terminate',
  suspend: 'Suspend',
  resume: 'Resume',
  rewind: 'Rewind',
  restart: 'Restart',
  raiseEvent: 'Raise event',
  purge: 'Purge',
};
const POLL_INTERVAL_IN_MS = 500;

export function openBatchDialog(ctx, operation, target, onFinished) {
  const label = LABELS[operation];
  const dialog = h('dialog', { 'aria-labelledby': 'batch-title', class: 'batch-dialog' });
  const close = () => {
    dialog.close();
    dialog.remove();
  };
  dialog.addEventListener('close', () => dialog.remove());

  const reason = h('input', { id: 'batch-reason' });
  const eventName = h('input', { id: 'batch-event-name' });
  const eventData = h('textarea', { id: 'batch-event-data', text: 'null' });
  const newId = h('input', { type: 'checkbox', id: 'batch-new-id', checked: true });
  const options = h(
    'div',
    { class: 'stack' },
    ['terminate', 'suspend', 'resume', 'rewind'].includes(operation) ? h('label', {}, 'Reason (optional)', reason) : null,
    operation === 'raiseEvent' ? h('label', {}, 'Event name', eventName) : null,
    operation === 'raiseEvent' ? h('label', {}, 'Event data (JSON)', eventData) : null,
    operation === 'restart' ? h('label', { class: 'inline' }, newId, 'Restart under new instance IDs') : null,
  );
  const status = h('div', { role: 'status' });
  const progress = h('progress', { max: 1, value: 0, hidden: true, 'aria-label': 'Batch progress' });
  const tally = h('p', { class: 'note' });
  const outcomes = h('tbody');
  const outcomeTable = h(
    'div',
    { class: 'outcomes', hidden: true },
    h(
      'table',
      { 'aria-label': 'Outcomes' },
      h('thead', {}, h('tr', {}, h('th', { text: 'Instance ID' }), h('th', { text: 'Outcome' }), h('th', { text: 'Details' }))),
      outcomes,
    ),
  );
  const confirmButton = h('button', {
    type: 'button',
    class: operation === 'purge' || operation === 'terminate' ? 'danger' : 'primary',
    text: `Count instances`,
  });
  const closeButton = h('button', { type: 'button', onclick: close, text: 'Close' });

  let confirm;
  let matched;

  function request() {
    const body = { operation, ...(target.filter ? { filter: filterBody(target.filter) } : { instanceIds: target.instanceIds }) };
    if (reason.value.trim()) body.reason = reason.value.trim();
    if (operation === 'raiseEvent') {
      body.eventName = eventName.value.trim();
      const data = parseJsonInput(eventData.value, 'Event data');
      body.eventData = data === undefined ? null : data;
    }
    if (operation === 'restart') body.restartWithNewInstanceId = newId.checked;
    return body;
  }

  async function plan() {
    status.replaceChildren();
    if (target.instanceIds) {
      matched = target.instanceIds.length;
    } else {
      const { data } = await api('POST', '/instances/batch', { body: request() });
      matched = data.matched;
      confirm = data.confirm;
    }
    status.replaceChildren(h('p', { text: `${label} will be applied to ${matched} instance${matched === 1 ? '' : 's'}.` }));
    confirmButton.textContent = `${label} ${matched} instance${matched === 1 ? '' : 's'}`;
    confirmButton.disabled = matched === 0;
  }

  async function run() {
    confirmButton.disabled = true;
    const { data: job } = await api('POST', '/instances/batch', { body: { ...request(), ...(confirm ? { confirm } : {}) } });
    progress.hidden = false;
    outcomeTable.hidden = false;
    progress.max = Math.max(job.total, 1);
    let seen = 0;
    for (;;) {
      const { data } = await api('GET', `/batches/${encodeURIComponent(job.id)}`, { query: { from: seen } });
      seen += data.outcomes.length;
      for (const o of data.outcomes) {
        const details =
          o.outcome === 'skipped'
            ? o.reason
            : o.outcome === 'failed'
              ? `${o.error}: ${o.message}`
              : o.newInstanceId
                ? `new ID ${o.newInstanceId}`
                : '';
        outcomes.append(
          h(
            'tr',
            {},
            h('td', { class: 'id', text: o.instanceId }),
            h('td', { class: `outcome-${o.outcome}`, text: o.outcome }),
            h('td', { text: details }),
          ),
        );
      }
      progress.value = seen;
      tally.textContent = `${seen} of ${data.total}: ${data.done} done, ${data.skipped} skipped, ${data.failed} failed.`;
      if (data.state !== 'Running') {
        status.replaceChildren(h('p', { class: 'ok', text: `Batch ${data.state.toLowerCase()}.` }));
        onFinished();
        return;
      }
      await new Promise((r) => setTimeout(r, POLL_INTERVAL_IN_MS));
    }
  }

  confirmButton.addEventListener('click', async () => {
    try {
      if (matched === undefined) await plan();
      else await run();
    } catch (error) {
      status.replaceChildren(errorBox(error));
      confirmButton.disabled = false;
    }
  });
  // Changing an option after counting means counting again.
  options.addEventListener('input', () => {
    matched = undefined;
    confirm = undefined;
    confirmButton.textContent = 'Count instances';
    confirmButton.disabled = false;
  });

  const what = target.filter ? 'every instance matching the current filter' : `${target.instanceIds.length} selected instance(s)`;
  dialog.append(
    h('h2', { id: 'batch-title', text: `Batch: ${label}` }),
    h('p', { text: `Target: ${what}.` }),
    options,
    status,
    progress,
    tally,
    outcomeTable,
    h('div', { class: 'row' }, closeButton, confirmButton),
  );
  document.body.append(dialog);
  dialog.showModal();
}
