// Two-factor authentication of the logged-in user: enrol (QR code of the
// otpauth URI, drawn here in the page, and a first code to confirm), see
// the recovery codes once, or turn it off with a code; and the sign-in
// providers linked to the account (identities.js).
import { api } from '../api.js';
import { onSubmit, showError, whileBusy } from '../forms.js';
import { go, leaveNotice, loadCurrentUser, mount, showNotice } from '../page.js';
import { showIdentities } from './identities.js';
import { encodeQr } from '../qr/encode.js';
import { qrSvg } from '../qr/svg.js';

export async function show() {
  const view = mount('view-security');
  const part = (name) => view.querySelector(`[data-${name}]`);
  const showOnly = (name) => {
    for (const p of ['off', 'enrol', 'codes', 'on']) part(p).hidden = p !== name;
  };
  showNotice(part('notice'));
  const me = await loadCurrentUser();
  if (!me) return;
  showOnly(me.totp_enabled ? 'on' : 'off');
  showIdentities(view);

  part('start').addEventListener('click', async (event) => {
    let data;
    try {
      ({ data } = await whileBusy(event.currentTarget, () => api('POST', '/api/me/totp')));
    } catch (error) {
      showError(view, error);
      return;
    }
    part('secret').textContent = data.secret;
    try {
      part('qr').replaceChildren(qrSvg(encodeQr(data.otpauth_uri), 'QR code for your authenticator app'));
    } catch {
      part('qr').textContent = 'This key is too long for a QR code; enter it by hand.';
    }
    showOnly('enrol');
    view.querySelector('#verify-code').focus();
  });

  onSubmit(view.querySelector('[data-form="verify"]'), async ({ code }) => {
    const { data } = await api('POST', '/api/me/totp/verify', { code });
    part('code-list').replaceChildren(...data.recovery_codes.map((c) => {
      const li = document.createElement('li');
      li.textContent = c;
      return li;
    }));
    showOnly('codes');
  });

  onSubmit(view.querySelector('[data-form="disable"]'), async ({ code }) => {
    await api('DELETE', '/api/me/totp', { code });
    leaveNotice('Two-factor authentication is off.');
    go('#/security');
  });
}
