// The security page's sign-in providers: each configured provider with a
// link button (a sign-in at the provider that links instead of logging in)
// or, when linked, an unlink button. Hidden when no provider is configured;
// when they cannot be read, the section says why. A link that fails at the
// provider ends on the service's error page, which leads back here.
import { api } from '../api.js';
import { showError, whileBusy } from '../forms.js';
import { go, leaveNotice } from '../page.js';

function linkButton(provider) {
  const link = document.createElement('a');
  link.className = 'button';
  link.href = `${provider.start}?link=1`;
  link.textContent = `Link ${provider.label}`;
  return link;
}

function unlinkButton(view, provider) {
  const button = document.createElement('button');
  button.type = 'button';
  button.dataset.busy = 'Unlinking…';
  button.textContent = `Unlink ${provider.label}`;
  button.addEventListener('click', async () => {
    try {
      await whileBusy(button, () => api('DELETE', `/api/me/identities/${provider.name}`));
    } catch (error) {
      showError(view, error);
      return;
    }
    leaveNotice(`${provider.label} is unlinked.`);
    go('#/security');
  });
  return button;
}

export async function showIdentities(view) {
  let providers;
  let linked;
  try {
    const [all, mine] = await Promise.all([api('GET', '/api/oauth/providers'), api('GET', '/api/me/identities')]);
    providers = all.data.providers;
    linked = new Set(mine.data.identities.map((identity) => identity.provider));
  } catch (error) {
    const section = view.querySelector('[data-identities]');
    section.hidden = false;
    showError(section, error);
    return;
  }
  const list = view.querySelector('[data-identity-list]');
  for (const provider of providers) {
    const item = document.createElement('li');
    item.append(linked.has(provider.name) ? unlinkButton(view, provider) : linkButton(provider));
    list.append(item);
  }
  view.querySelector('[data-identities]').hidden = providers.length === 0;
}
