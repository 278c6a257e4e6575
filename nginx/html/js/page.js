// What the views share about the page: putting a view's template into
// <main>, moving to another view, a one-time notice for the next view, and
// who is logged in.
import { api } from './api.js';
import { currentUser, csrfToken, endSession, setCurrentUser } from './session.js';

const main = document.getElementById('main');
let notice = '';

// Replaces <main>'s content with a copy of <template id=templateId>, in a
// container of its own: a request of the previous view that answers late
// then changes only that view's detached container, never the new view.
export function mount(templateId) {
  const view = document.createElement('div');
  view.append(document.getElementById(templateId).content.cloneNode(true));
  main.replaceChildren(view);
  return view;
}

export function go(hash) {
  if (location.hash === hash) window.dispatchEvent(new HashChangeEvent('hashchange'));
  else location.hash = hash;
}

// A message for the next view that shows one (e.g. "You are logged out.").
export function leaveNotice(text) {
  notice = text;
}

// Fills el with the pending notice, if any, and forgets it.
export function showNotice(el) {
  el.hidden = !notice;
  el.textContent = notice;
  notice = '';
}

// Asks the API who is logged in; null without a usable session.
export async function loadCurrentUser() {
  if (!csrfToken()) return null;
  try {
    const { data } = await api('GET', '/api/me');
    setCurrentUser(data);
  } catch {
    endSession();
  }
  return currentUser();
}

export function sessionEnded(text) {
  endSession();
  leaveNotice(text);
  go('#/login');
}
