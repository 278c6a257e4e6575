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

// One link per configured sign-in provider (GET /api/oauth/providers); the
// section stays hidden when there is none or the list cannot be read.
async function showProviders(view) {
  const { data } = await api('GET', '/api/oauth/providers').catch(() => ({ data: null }));
  const providers = data?.providers ?? [];
  const list = view.querySelector('[data-provider-list]');
  for (const provider of providers) {
    const link = document.createElement('a');
    link.className = 'button';
    link.href = provider.start;
    link.textContent = provider.label;
    const item = document.createElement('li');
    item.append(link);
    list.append(item);
  }
  view.querySelector('[data-providers]').hidden = providers.length === 0;
}

export function show() {
  const view = mount('view-login');
  showProviders(view);
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
