// The single page: hash routes to views, the session, the navigation bar and
// the live event stream. Each view module exports show(params) and
// may return a function that undoes what it set up (event listeners).
import { api, onSessionLost } from './api.js';
import { whileBusy } from './forms.js';
import { startLive, stopLive } from './live.js';
import { loadCurrentUser, sessionEnded } from './page.js';
import { currentUser, startSession } from './session.js';
import * as login from './views/login.js';
import * as register from './views/register.js';
import * as users from './views/users.js';
import * as user from './views/user.js';
import * as security from './views/security.js';

const main = document.getElementById('main');
const nav = document.getElementById('nav');
let leaveView = null;

// [pattern, view, needs a session]; the first match wins.
const ROUTES = [
  [/^#\/login$/, login, false],
  [/^#\/register$/, register, false],
  [/^#\/users(?:\?after=(\d+))?$/, users, true],
  [/^#\/users\/(\d+)$/, user, true],
  [/^#\/me$/, user, true],
  [/^#\/security$/, security, true],
];

function showNavigation() {
  const me = currentUser();
  nav.hidden = !me;
  if (me) {
    document.getElementById('nav-me').href = `#/users/${me.user_id}`;
    startLive(document.getElementById('live'));
  } else {
    stopLive();
  }
}

async function route() {
  const hash = location.hash || '#/users';
  const match = ROUTES.map(([re, view, auth]) => [hash.match(re), view, auth]).find(([m]) => m);
  if (!match) {
    location.hash = '#/users';
    return;
  }
  const [groups, view, needsSession] = match;
  if (needsSession && !currentUser()) {
    location.hash = '#/login';
    return;
  }
  if (!needsSession && currentUser()) {
    location.hash = '#/users';
    return;
  }
  showNavigation();
  leaveView?.();
  leaveView = null;
  const params = groups.slice(1);
  if (hash === '#/me') params[0] = String(currentUser().user_id);
  leaveView = (await view.show(params)) ?? null;
  main.querySelector('h1')?.setAttribute('tabindex', '-1');
  main.querySelector('h1')?.focus();
  document.title = `${main.querySelector('h1')?.textContent ?? 'Users'} · Users`;
}

document.getElementById('logout').addEventListener('click', async (event) => {
  await whileBusy(event.currentTarget, () => api('POST', '/api/logout').catch(() => null));
  sessionEnded('You are logged out.');
});

onSessionLost(() => {
  if (currentUser()) sessionEnded('Your session has ended; log in again.');
});

// Back from a sign-in provider: the callback put this session's CSRF token
// in the fragment; keep it and take it out of the address and history.
const signedIn = location.hash.match(/^#\/signed-in\/([A-Za-z0-9_-]+)$/);
if (signedIn) {
  startSession(signedIn[1]);
  history.replaceState(null, '', '#/users');
}

window.addEventListener('hashchange', route);
await loadCurrentUser();
route();
