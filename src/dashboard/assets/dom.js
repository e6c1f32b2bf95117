// Small DOM helpers: elements, times, durations, collapsible JSON, confirmation dialogs.

/** h('button', { class: 'x', onclick }, 'text', child) */
export function h(tag, props = {}, ...children) {
  const el = document.createElement(tag);
  for (const [name, value] of Object.entries(props)) {
    if (value === undefined || value === null || value === false) continue;
    if (name.startsWith('on')) el.addEventListener(name.slice(2), value);
    else if (name === 'class') el.className = value;
    // Through the CSSOM: the page's CSP forbids inline style attributes.
    else if (name === 'style') for (const [prop, v] of Object.entries(value)) el.style.setProperty(prop, v);
    else if (name === 'text') el.textContent = value;
    else if (name in el && typeof value !== 'string') el[name] = value;
    else el.setAttribute(name, value === true ? '' : String(value));
  }
  for (const child of children.flat()) {
    if (child === undefined || child === null || child === false) continue;
    el.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return el;
}

export const STATUSES = ['Running', 'Pending', 'Completed', 'Failed', 'Terminated', 'Suspended', 'ContinuedAsNew', 'Canceled'];
export const TERMINAL = new Set(['Completed', 'Failed', 'Terminated', 'Canceled']);

const pad = (n, width = 2) => String(n).padStart(width, '0');

/** 2026-01-31 12:00:00 (UTC) or the browser's local time, always the same width. */
export function formatTime(iso, tz) {
  if (!iso) return '';
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return String(iso);
  if (tz === 'local') {
    return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())} ${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}`;
  }
  return `${d.getUTCFullYear()}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())} ${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())} UTC`;
}

export function formatDuration(ms) {
  if (!Number.isFinite(ms) || ms < 0) return '';
  if (ms < 1000) return `${Math.round(ms)} ms`;
  const s = Math.floor(ms / 1000);
  if (s < 60) return `${(ms / 1000).toFixed(1)} s`;
  const parts = [
    [Math.floor(s / 86400), 'd'],
    [Math.floor(s / 3600) % 24, 'h'],
    [Math.floor(s / 60) % 60, 'm'],
    [s % 60, 's'],
  ];
  return parts
    .filter(([n]) => n > 0)
    .slice(0, 2)
    .map(([n, u]) => `${n}${u}`)
    .join(' ');
}

/** Run time: until the last update when finished, until now while running. */
export function instanceDuration(status) {
  const start = Date.parse(status.createdTime);
  const end = TERMINAL.has(status.runtimeStatus) ? Date.parse(status.lastUpdatedTime) : Date.now();
  return formatDuration(end - start);
}

const MAX_TREE_NODES = 2000;

/** Collapsible JSON: objects and arrays as nested <details>; huge values fall back to plain text. */
export function jsonTree(value) {
  let budget = MAX_TREE_NODES;
  const node = (v, key) => {
    budget--;
    const label = key === undefined ? [] : [h('span', { class: 'k', text: JSON.stringify(key) }), ': '];
    if (v === null || typeof v !== 'object') {
      const cls = typeof v === 'string' ? 's' : v === null ? 'z' : 'n';
      return h('div', {}, ...label, h('span', { class: cls, text: JSON.stringify(v) }));
    }
    const entries = Array.isArray(v) ? v.map((x, i) => [i, x]) : Object.entries(v);
    const brief = Array.isArray(v) ? `[${entries.length} items]` : `{${entries.length} keys}`;
    const details = h('details', { open: budget > MAX_TREE_NODES - 50 }, h('summary', {}, ...label, brief));
    for (const [k, x] of entries) details.append(node(x, Array.isArray(v) ? undefined : k));
    return details;
  };
  const text = JSON.stringify(value, null, 2) ?? 'null';
  if (text.length > 200_000 || countNodes(value) > MAX_TREE_NODES) return h('div', { class: 'json' }, h('pre', { text }));
  return h('div', { class: 'json' }, node(value));
}

function countNodes(value, limit = MAX_TREE_NODES + 1) {
  let n = 0;
  const stack = [value];
  while (stack.length && n < limit) {
    const v = stack.pop();
    n++;
    if (v && typeof v === 'object') stack.push(...Object.values(v));
  }
  return n;
}

/** A modal question; resolves true only when the named confirm button is pressed. */
export function confirmDialog({ title, message, confirmLabel, danger = false }) {
  return new Promise((resolve) => {
    const dialog = h('dialog', { 'aria-labelledby': 'confirm-title' });
    const done = (answer) => {
      dialog.close();
      dialog.remove();
      resolve(answer);
    };
    dialog.append(
      h('h2', { id: 'confirm-title', text: title }),
      h('p', { text: message }),
      h(
        'div',
        { class: 'row' },
        h('button', { type: 'button', onclick: () => done(false), text: 'Cancel' }),
        h('button', { type: 'button', class: danger ? 'danger' : 'primary', onclick: () => done(true), text: confirmLabel }),
      ),
    );
    dialog.addEventListener('cancel', () => done(false));
    document.body.append(dialog);
    dialog.showModal();
  });
}

export function errorBox(error) {
  const code = error && error.code ? `${error.code}: ` : '';
  return h('p', { class: 'error', role: 'alert', text: `${code}${error && error.message ? error.message : String(error)}` });
}

export function announce(text) {
  const live = document.getElementById('live');
  if (live) live.textContent = text;
}

/** Parses JSON typed by the operator; empty text is "no value". Throws with a readable message. */
export function parseJsonInput(text, what) {
  if (text.trim() === '') return undefined;
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new Error(`${what} is not valid JSON: ${error.message}`);
  }
}
