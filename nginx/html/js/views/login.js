// Log in with a browser session; asks for the 2FA code when the API answers
// totp_required, and keeps the typed password for that second try.
import { api } from '../api.js';
import { onSubmit } from '../forms.js';
import { go, loadCurrentUser, mount, showNotice } from '../page.js';
import { startSession } from '../session.js';

let rememberedUsername = '';

// Prefills the username of the next login view (after registering).
export function prefill(username) {
  rememberedUsername = username;
}

export function show() {
  const view = mount('view-login');
  const form = view.querySelector('form');
  const totp = view.querySelector('[data-totp]');
  showNotice(view.querySelector('[data-notice]'));
  form.elements.username.value = rememberedUsername;
  onSubmit(form, async ({ username, password, totp: code }) => {
    const body = { username, password, session: true };
    if (!totp.hidden) body.totp = code;
    try {
      const { data } = await api('POST', '/api/login', body);
      startSession(data.csrf_token);
    } catch (error) {
      if (error.code === 'totp_required') totp.hidden = false;
      throw error;
    }
    rememberedUsername = '';
    await loadCurrentUser();
    go('#/users');
  });
}
