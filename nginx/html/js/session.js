// The logged-in state of this tab: the CSRF token from the login answer and
// the current user (GET /api/me). The token lives in sessionStorage (this
// tab only, gone when it closes) so a reload keeps the session usable; the
// session cookie itself is HttpOnly and never visible here.
const KEY = 'csrf_token';
let me = null;

export function csrfToken() {
  return sessionStorage.getItem(KEY);
}

export function startSession(token) {
  sessionStorage.setItem(KEY, token);
}

export function endSession() {
  sessionStorage.removeItem(KEY);
  me = null;
}

export function currentUser() {
  return me;
}

export function setCurrentUser(user) {
  me = user;
}
