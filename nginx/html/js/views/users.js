// All users, a page at a time (keyset paging: "after" is the last id of the
// previous page), kept current by live events.
import { api } from '../api.js';
import { showError } from '../forms.js';
import { onUserEvent } from '../live.js';
import { mount, showNotice } from '../page.js';
import { timeText } from './time.js';

const PAGE_SIZE = 20;

function row(user) {
  const tr = document.createElement('tr');
  tr.dataset.id = user.user_id;
  const link = document.createElement('a');
  link.href = `#/users/${user.user_id}`;
  link.textContent = user.username;
  const cells = [String(user.user_id), link, timeText(user.created_at), timeText(user.updated_at)];
  cells.forEach((content, i) => {
    const td = document.createElement('td');
    if (i >= 2) td.className = 'wide';
    td.append(content);
    tr.append(td);
  });
  return tr;
}

export async function show([after]) {
  const view = mount('view-users');
  showNotice(view.querySelector('[data-notice]'));
  const rows = view.querySelector('[data-rows]');
  const first = view.querySelector('[data-first]');
  const next = view.querySelector('[data-next]');
  const query = `limit=${PAGE_SIZE}${after ? `&after=${after}` : ''}`;

  async function load() {
    try {
      const { data } = await api('GET', `/api/users?${query}`);
      rows.replaceChildren(...data.users.map(row));
      view.querySelector('[data-empty]').hidden = data.users.length > 0;
      first.hidden = !after;
      first.href = '#/users';
      const nextAfter = data.next && new URL(data.next, location.href).searchParams.get('after');
      next.hidden = !nextAfter;
      if (nextAfter) next.href = `#/users?after=${nextAfter}`;
    } catch (error) {
      showError(view, error);
    }
  }

  // A new name shows at once; then the page is re-read (new and deleted
  // users, times), once per burst of events.
  let pending = 0;
  const stop = onUserEvent((event) => {
    const link = rows.querySelector(`tr[data-id="${event.user_id}"] a`);
    if (link && event.type === 'user.updated') link.textContent = event.username;
    clearTimeout(pending);
    pending = setTimeout(load, 100);
  });
  await load();
  return () => {
    clearTimeout(pending);
    stop();
  };
}
