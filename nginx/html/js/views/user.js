// One user: the facts, and for the user themself or an admin the forms to
// change the username (with If-Match, so a concurrent change is not
// overwritten), change the password and delete (after a confirmation).
// Live events keep the facts current.
import { api } from '../api.js';
import { clearErrors, onSubmit, showError, whileBusy } from '../forms.js';
import { onUserEvent } from '../live.js';
import { go, leaveNotice, mount, sessionEnded } from '../page.js';
import { currentUser, setCurrentUser, startSession } from '../session.js';
import { formatTime } from './time.js';

export async function show([idText]) {
  const id = Number(idText);
  const view = mount('view-user');
  const me = currentUser();
  const own = me.user_id === id;
  const field = (name) => view.querySelector(`[data-${name}]`);
  const notice = field('notice');
  let etag = null;
  let user = null;

  function render() {
    field('title').textContent = own ? `${user.username} (you)` : user.username;
    field('id').textContent = String(user.user_id);
    field('username').textContent = user.username;
    for (const [name, iso] of [['created', user.created_at], ['updated', user.updated_at]]) {
      field(name).dateTime = iso;
      field(name).textContent = formatTime(iso);
    }
    field('confirm-name').textContent = user.username;
  }

  function gone() {
    field('owner-only').hidden = true;
    notice.hidden = false;
    notice.textContent = 'This user has been deleted.';
  }

  async function load() {
    try {
      const { data, headers } = await api('GET', `/api/users/${id}`);
      user = data;
      etag = headers.get('ETag');
      render();
    } catch (error) {
      if (error.status === 404) gone();
      else showError(view, error);
    }
  }

  await load();
  if (!user) return null;
  field('owner-only').hidden = !(own || me.role === 'admin');

  const edit = view.querySelector('[data-form="edit"]');
  edit.elements.username.value = user.username;
  onSubmit(edit, async ({ username }) => {
    try {
      await api('PUT', `/api/users/${id}`, { username }, etag ? { 'If-Match': etag } : {});
    } catch (error) {
      if (error.status === 412) await load(); // show what changed meanwhile
      throw error;
    }
    await load();
    if (own) setCurrentUser({ ...me, username });
    notice.hidden = false;
    notice.textContent = `Username changed to ${username}.`;
  });

  const password = view.querySelector('[data-form="password"]');
  onSubmit(password, async (values) => {
    const { data } = await api('PUT', `/api/users/${id}/password`, values);
    if (data?.csrf_token) startSession(data.csrf_token); // the new session's
    password.reset();
    notice.hidden = false;
    notice.textContent = 'Password changed. Other sessions of this user are logged out.';
  });

  const dialog = field('confirm');
  field('delete').addEventListener('click', () => {
    clearErrors(dialog);
    dialog.showModal();
  });
  field('cancel').addEventListener('click', () => dialog.close());
  field('confirm-delete').addEventListener('click', async (event) => {
    try {
      await whileBusy(event.currentTarget, () => api('DELETE', `/api/users/${id}`));
    } catch (error) {
      showError(dialog, error);
      return;
    }
    dialog.close();
    if (own) {
      sessionEnded('Your account has been deleted.');
    } else {
      leaveNotice(`User ${user.username} deleted.`);
      go('#/users');
    }
  });

  return onUserEvent((event) => {
    if (event.type === 'resync') load();
    if (event.user_id !== id) return;
    if (event.type === 'user.deleted') {
      gone();
    } else if (event.type === 'user.updated') {
      // Show the new name at once; the re-read brings the new ETag and times.
      user = { ...user, username: event.username };
      render();
      load();
    }
  });
}
