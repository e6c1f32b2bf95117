// Entry: the key form, the header and hash routing (#/?filters, #/instance/<id>, #/entities).

import { api, session } from './api.js';
import { errorBox, h } from './dom.js';
import { renderEntities } from './entities-view.js';
import { renderInstance } from './instance-view.js';
import { renderList } from './list-view.js';
import { openStartDialog } from './start-dialog.js';

const main = document.getElementById('main');
const nav = document.getElementById('nav');
const sessionBox = document.getElementById('session');
const ctx = { role: 'read', entities: false, navigate: (hash) => (location.hash = hash) };
/** Views register a stop function (auto-refresh timers) to run when the route changes. */
let stopView = () => {};

function keyForm(message) {
  stopView();
  nav.replaceChildren();
  sessionBox.replaceChildren();
  const input = h('input', { id: 'key', type: 'password', autocomplete: 'off', required: true });
  const form = h(
    'form',
    {
      class: 'keyform',
      onsubmit: (e) => {
        e.preventDefault();
        session.save(input.value.trim());
        void start();
      },
    },
    h('h1', { text: 'Sign in' }),
    h('p', { class: 'note', text: 'The key is kept in this browser tab only (session storage) and sent as a header, never in a URL.' }),
    message ? errorBox(message) : null,
    h('label', { for: 'key' }, 'System or read-only key', input),
    h('button', { type: 'submit', class: 'primary', text: 'Use key' }),
  );
  main.replaceChildren(form);
  input.focus();
}

function header() {
  const links = [h('a', { href: '#/', text: 'Instances' })];
  if (ctx.entities) links.push(h('a', { href: '#/entities', text: 'Entities' }));
  if (ctx.role === 'admin') links.push(h('button', { type: 'button', onclick: () => openStartDialog(ctx), text: 'Start orchestration' }));
  nav.replaceChildren(...links);
  sessionBox.replaceChildren(
    h('span', { class: 'note', text: ctx.role === 'admin' ? 'Full access' : 'Read-only key' }),
    h('button', {
      type: 'button',
      onclick: () => {
        session.forget();
        keyForm();
      },
      text: 'Forget key',
    }),
  );
}

function route() {
  stopView();
  stopView = () => {};
  const hash = location.hash.replace(/^#/, '') || '/';
  const [path, query = ''] = hash.split('?');
  const params = new URLSearchParams(query);
  const onStop = (fn) => (stopView = fn);
  if (path.startsWith('/instance/')) return renderInstance(main, ctx, decodeURIComponent(path.slice('/instance/'.length)), onStop);
  if (path === '/entities') return renderEntities(main, ctx);
  return renderList(main, ctx, params, onStop);
}

async function start() {
  if (!session.key()) return keyForm();
  try {
    ctx.role = (await api('GET', '/whoami')).data.role;
  } catch (error) {
    if (error.status === 401) {
      session.forget();
      return keyForm(error);
    }
    main.replaceChildren(errorBox(error));
    return;
  }
  // Entities are shown only when this server has the routes.
  ctx.entities = await api('GET', '/entities', { query: { top: 1 } }).then(
    () => true,
    () => false,
  );
  header();
  route();
}

window.addEventListener('hashchange', () => {
  if (session.key()) route();
});
void start();
