// Register a new account, then log in with it.
import { api } from '../api.js';
import { onSubmit } from '../forms.js';
import { go, leaveNotice, mount } from '../page.js';
import { prefill } from './login.js';

export function show() {
  const form = mount('view-register').querySelector('form');
  onSubmit(form, async ({ username, password }) => {
    await api('POST', '/api/register', { username, password });
    prefill(username);
    leaveNotice(`Account ${username} created. Log in to continue.`);
    go('#/login');
  });
}
