// Sign-in with an OpenID Connect provider, end to end: a real provider
// (oidc-provider, tests/browser/oidc-provider.js) over HTTPS with the test
// CA, the web UI's provider button in headless Chromium, the service's
// back-channel code exchange; an API client's sign-in that ends in a token
// pair. Then the ways a sign-in must fail, each shown to the browser as the
// service's error page and leaving no account behind: provider down, wrong
// state, a code replayed, a code carried to another browser, a code altered,
// a sign-in that took too long, a link to a provider account already taken.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { after, before, test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { PASSWORD, logIn, register, uniqueName } from './actions.js';
import { criticalA11yFindings, launch, openPage, screenshots } from './browser.js';
import { startProvider } from './oidc-provider.js';
import { stackEnv } from '../stack-env.mjs';

const env = stackEnv(['BASE_URL', 'DATABASE_URL', 'OIDC_PORT', 'OIDC_ISSUER', 'OIDC_CLIENT_ID',
  'OIDC_CLIENT_SECRET', 'OIDC_REDIRECT_URI', 'OIDC_CERT', 'OIDC_KEY', 'OIDC_FLOW_TTL_S']);
const CALLBACK = (url) => url.pathname === '/api/oauth/local/callback';
const FLOW_COOKIE = '__Host-sign-in';
let browser;
let provider;

// One value from the test database, with :'sub' and :'iss' (the provider's issuer) bound.
function queryOne(sql, sub) {
  const out = execFileSync('psql', [env.DATABASE_URL, '-tAq', '-v', 'ON_ERROR_STOP=1',
    '-v', `sub=${sub}`, '-v', `iss=${env.OIDC_ISSUER}`], { input: sql });
  return out.toString().trim();
}

// Accounts named after a provider account (sub), and its links.
function accountsOf(sub) {
  const [users, links] = queryOne(`SELECT (SELECT count(*) FROM users WHERE lower(username) = lower(:'sub'))
    || ',' || (SELECT count(*) FROM user_identities WHERE issuer = :'iss' AND subject = :'sub');`, sub)
    .split(',').map(Number);
  return { users, links };
}

// The username of the account a provider account is linked to, or null.
function linkedUsername(sub) {
  return queryOne(`SELECT u.username FROM user_identities i JOIN users u ON u.id = i.user_id
    WHERE i.issuer = :'iss' AND i.subject = :'sub';`, sub) || null;
}

// A browser page of its own (cookies) that accepts the provider's test
// certificate; the service itself checks it against the test CA.
function newPage() {
  return openPage(browser, env.BASE_URL, undefined, { ignoreHTTPSErrors: true });
}

// The provider's own pages: log in as `sub` (any password), then consent.
async function atProvider(page, sub) {
  await page.locator('input[name=login]').fill(sub);
  await page.locator('input[name=password]').fill('anything');
  await page.getByRole('button', { name: 'Sign-in' }).click();
  await page.getByRole('button', { name: 'Continue' }).click();
}

// The refusal the page shows: the service's error page, with its status,
// code and message (the heading).
async function shownError(page) {
  return {
    status: Number(await page.locator('#error-status').innerText()),
    code: await page.locator('#error-code').innerText(),
    message: await page.getByRole('heading', { level: 1 }).innerText(),
  };
}

// Signs in at the provider as `sub` (from the login view's button, or from
// `start`) and returns the callback URL the provider sent the browser to,
// unspent: the flow cookie is held back meanwhile, so the service refuses
// that first visit (no flow in this browser) before touching the code; then
// the cookie is put back.
async function signInAtProvider(page, sub, start) {
  if (start) {
    await page.goto(start);
  } else {
    await page.goto('/#/login');
    await page.getByRole('link', { name: 'Test provider' }).click();
  }
  await page.locator('input[name=login]').waitFor();
  const flow = (await page.context().cookies()).find((c) => c.name === FLOW_COOKIE);
  assert.ok(flow, 'the start set the flow cookie');
  assert.equal(flow.httpOnly, true);
  assert.equal(flow.sameSite, 'Lax');
  await page.context().clearCookies({ name: FLOW_COOKIE });
  await atProvider(page, sub);
  await page.waitForURL(CALLBACK);
  const callback = page.url();
  assert.equal((await shownError(page)).code, 'sign_in_state_mismatch', 'refused without the flow cookie');
  await page.context().addCookies([flow]);
  return callback;
}

// Goes to a URL and returns the status, code and message of the error page
// the browser gets; the page shows the status it was answered with, and
// allows nothing to run or load.
async function errorAt(page, url) {
  const response = await page.goto(url);
  const headers = response.headers();
  assert.match(headers['content-type'], /^text\/html; charset=utf-8$/, 'a page, not JSON');
  assert.match(headers['content-security-policy'], /^default-src 'none';/);
  const shown = await shownError(page);
  assert.equal(shown.status, response.status(), 'the page shows the status');
  return { ...shown, status: response.status() };
}

// The JSON error an API client (Accept: application/json) with this
// browser's cookies gets at a URL.
async function jsonErrorAt(page, url) {
  const response = await page.request.get(url, { headers: { Accept: 'application/json' } });
  return { status: response.status(), code: (await response.json()).error?.code };
}

function withParam(url, name, value) {
  const u = new URL(url);
  u.searchParams.set(name, value);
  return u.toString();
}

before(async () => {
  browser = await launch();
});

after(async () => {
  await provider?.stop();
  await browser?.close();
});

test('provider down: the sign-in start is a clear 502, nothing is created', async () => {
  const page = await newPage();
  const error = await errorAt(page, '/api/oauth/local/start');
  assert.equal(error.status, 502);
  assert.equal(error.code, 'provider_unavailable');
  assert.match(error.message, /sign-in provider cannot be reached/);
  await page.context().close();
  provider = await startProvider(env);
});

test('the first sign-in makes an account and logs in, the next finds it', async () => {
  const sub = uniqueName('oidc');
  const page = await newPage();
  await page.goto('/#/login');
  assert.deepEqual(await criticalA11yFindings(page), [], 'axe-core on the login view with providers');
  await screenshots(page, 'login-providers');
  const callback = await signInAtProvider(page, sub);
  assert.deepEqual(accountsOf(sub), { users: 0, links: 0 }, 'nothing before the callback');

  await page.goto(callback);
  await page.waitForURL('**/#/users');
  await page.getByRole('navigation', { name: 'Main' }).waitFor();
  const me = await page.evaluate(async () => (await fetch('/api/me')).json());
  assert.equal(me.username, sub, 'named after the preferred username');
  assert.deepEqual(accountsOf(sub), { users: 1, links: 1 });
  // A logged-in session like a password login's: a write with its CSRF token works.
  const csrf = await page.evaluate(() => sessionStorage.getItem('csrf_token'));
  assert.ok(csrf, 'the CSRF token reached the page');
  assert.equal(page.url().includes(csrf), false, 'the token left the address bar');
  const logout = await page.evaluate(async (token) =>
    (await fetch('/api/logout', { method: 'POST', headers: { 'X-CSRF-Token': token } })).status, csrf);
  assert.equal(logout, 204);
  assert.deepEqual(page.problems, []);
  await page.context().close();

  const again = await newPage();
  await again.goto(await signInAtProvider(again, sub));
  await again.waitForURL('**/#/users');
  const meAgain = await again.evaluate(async () => (await fetch('/api/me')).json());
  assert.equal(meAgain.user_id, me.user_id, 'the same account');
  assert.deepEqual(accountsOf(sub), { users: 1, links: 1 });
  await again.context().close();
});

test('a wrong state, a replayed code and an altered code are refused', async () => {
  const sub = uniqueName('oidcbad');
  const page = await newPage();
  const callback = await signInAtProvider(page, sub);

  const wrongState = await errorAt(page, withParam(callback, 'state', 'forged'));
  assert.equal(wrongState.status, 400);
  assert.equal(wrongState.code, 'sign_in_state_mismatch');
  assert.equal(wrongState.message, 'This sign-in did not start in this browser or was already used; start it again.');
  assert.deepEqual(await jsonErrorAt(page, withParam(callback, 'state', 'forged')),
    { status: 400, code: 'sign_in_state_mismatch' }, 'an API client still gets JSON');
  const noState = new URL(callback);
  noState.searchParams.delete('state');
  assert.equal((await errorAt(page, noState.toString())).code, 'sign_in_state_mismatch');
  const altered = await errorAt(page, withParam(callback, 'code', 'x' + new URL(callback).searchParams.get('code')));
  assert.equal(altered.status, 401);
  assert.equal(altered.code, 'sign_in_refused');
  const denied = await errorAt(page, withParam(callback, 'error', 'access_denied'));
  assert.equal(denied.code, 'sign_in_refused');
  const injected = await errorAt(page, withParam(withParam(callback, 'error', '<script>alert(1)</script>'),
    'state', '"><img src=x onerror=alert(2)>'));
  assert.equal(injected.code, 'sign_in_state_mismatch');
  assert.equal(await page.locator('script, img').count(), 0, 'nothing of the request is markup');
  await page.getByRole('link', { name: 'Back to log in' }).click();
  await page.getByRole('heading', { name: 'Log in' }).waitFor();
  assert.deepEqual(accountsOf(sub), { users: 0, links: 0 }, 'no account after refused callbacks');

  // The altered code spent nothing: the true one still works, once.
  const flowCookie = (await page.context().cookies()).find((c) => c.name === FLOW_COOKIE);
  await page.goto(callback);
  await page.waitForURL('**/#/users');
  assert.deepEqual(accountsOf(sub), { users: 1, links: 1 });
  await page.context().addCookies([flowCookie]);
  const replayed = await errorAt(page, callback);
  assert.equal(replayed.code, 'sign_in_refused', 'the provider refuses a code used before');
  assert.deepEqual(accountsOf(sub), { users: 1, links: 1 }, 'the replay made nothing');
  await page.context().close();
});

test('a callback carried to another browser is refused (no login CSRF)', async () => {
  const sub = uniqueName('oidcmoved');
  const attacker = await newPage();
  const callback = await signInAtProvider(attacker, sub);
  const victim = await newPage();
  const error = await errorAt(victim, callback);
  assert.equal(error.code, 'sign_in_state_mismatch');
  // Even with a flow of its own, the victim's state is not the attacker's.
  await victim.goto('/api/oauth/local/start').catch(() => null);
  const withFlow = await errorAt(victim, callback);
  assert.equal(withFlow.code, 'sign_in_state_mismatch');
  assert.deepEqual(accountsOf(sub), { users: 0, links: 0 });
  await attacker.context().close();
  await victim.context().close();
});

test('a password account links a provider, signs in with it, unlinks it', async () => {
  const username = uniqueName('oidclink');
  const sub = uniqueName('oidclinked');
  const page = await newPage();
  await register(page, username);
  await page.getByText(`Account ${username} created`).waitFor();
  await logIn(page, username);
  await page.getByRole('heading', { name: 'All users' }).waitFor();
  await page.goto('/#/security');
  await page.getByRole('link', { name: 'Link Test provider' }).click();
  await atProvider(page, sub);
  await page.waitForURL('**/#/security');
  await page.getByRole('button', { name: 'Unlink Test provider' }).waitFor();
  assert.equal(linkedUsername(sub), username, 'linked to the password account, no new one');
  assert.equal(accountsOf(sub).users, 0);

  const other = await newPage();
  await other.goto(await signInAtProvider(other, sub));
  await other.waitForURL('**/#/users');
  const me = await other.evaluate(async () => (await fetch('/api/me')).json());
  assert.equal(me.username, username, 'the provider logs in to the linked account');
  await other.context().close();

  await page.getByRole('button', { name: 'Unlink Test provider' }).click();
  await page.getByRole('link', { name: 'Link Test provider' }).waitFor();
  assert.equal(linkedUsername(sub), null);
  assert.deepEqual(page.problems, []);
  await page.context().close();
});

test('an account made by a provider keeps its last way to log in, has no password, and its link goes with it', async () => {
  const sub = uniqueName('oidconly');
  const page = await newPage();
  await page.goto(await signInAtProvider(page, sub));
  await page.waitForURL('**/#/users');
  await page.getByRole('navigation', { name: 'Main' }).waitFor(); // the page knows who is logged in
  await page.goto('/#/security');
  await page.getByRole('button', { name: 'Unlink Test provider' }).click();
  await page.getByText('This is your last way to log in').waitFor();
  assert.equal(linkedUsername(sub), sub, 'still linked');
  const login = await page.evaluate(async (body) => (await fetch('/api/login', {
    method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body),
  })).json(), { username: sub, password: PASSWORD });
  assert.equal(login.error?.code, 'invalid_credentials', 'no password to log in with');

  // Deleting the account deletes its link: the provider account starts afresh.
  const deleted = await page.evaluate(async () => {
    const me = await (await fetch('/api/me')).json();
    const headers = { 'X-CSRF-Token': sessionStorage.getItem('csrf_token') };
    return (await fetch(`/api/users/${me.user_id}`, { method: 'DELETE', headers })).status;
  });
  assert.equal(deleted, 204);
  assert.deepEqual(accountsOf(sub), { users: 0, links: 0 });
  await page.context().close();
});

test('an API client signs in for the token pair of POST /api/login, with no session', async () => {
  const sub = uniqueName('oidcapi');
  const page = await newPage();
  const callback = await signInAtProvider(page, sub, '/api/oauth/local/start?tokens=1');
  const response = await page.goto(callback);
  assert.equal(response.status(), 200);
  const tokens = await response.json();
  assert.deepEqual(Object.keys(tokens).sort(), ['access_token', 'expires_in', 'refresh_token', 'token_type'],
    "login's shape, no csrf_token");
  assert.equal(tokens.token_type, 'Bearer');
  assert.equal(tokens.expires_in, 900);
  const cookies = (await page.context().cookies()).map((c) => c.name);
  assert.equal(cookies.includes('__Host-session'), false, 'no browser session');
  assert.equal(cookies.includes(FLOW_COOKIE), false, 'the flow is spent');
  assert.deepEqual(accountsOf(sub), { users: 1, links: 1 });
  await page.context().close();

  // The pair works like a password login's, from a client without cookies.
  const me = async (accessToken) => {
    const res = await fetch(`${env.BASE_URL}/api/me`, { headers: { Authorization: `Bearer ${accessToken}` } });
    return { status: res.status, username: (await res.json()).username };
  };
  assert.deepEqual(await me(tokens.access_token), { status: 200, username: sub });
  const refreshed = await fetch(`${env.BASE_URL}/api/token/refresh`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ refresh_token: tokens.refresh_token }),
  });
  assert.equal(refreshed.status, 200);
  const pair = await refreshed.json();
  assert.notEqual(pair.refresh_token, tokens.refresh_token, 'a new refresh token');
  assert.deepEqual(await me(pair.access_token), { status: 200, username: sub });
});

test('an API client sign-in is refused with a clear error for a bad tokens value or with link', async () => {
  const page = await newPage();
  const bad = await errorAt(page, '/api/oauth/local/start?tokens=yes');
  assert.equal(bad.status, 400);
  assert.equal(bad.code, 'invalid_query');
  const withLink = await errorAt(page, '/api/oauth/local/start?tokens=1&link=1');
  assert.equal(withLink.code, 'invalid_query');
  assert.equal((await page.context().cookies()).some((c) => c.name === FLOW_COOKIE), false, 'no flow started');
  await page.context().close();
});

test('a sign-in that took longer than OIDC_FLOW_TTL_S is refused as expired, nothing is created', async () => {
  const sub = uniqueName('oidcslow');
  const page = await newPage();
  const callback = await signInAtProvider(page, sub);
  const flow = (await page.context().cookies()).find((c) => c.name === FLOW_COOKIE);
  await sleep((Number(env.OIDC_FLOW_TTL_S) + 1) * 1000);
  const gone = await errorAt(page, callback);
  assert.equal(gone.code, 'sign_in_state_mismatch', 'the browser dropped the cookie at its Max-Age');
  // A browser that kept it (its clock behind, say) gets no further: the
  // sealed flow carries its own expiry.
  await page.context().addCookies([{ ...flow, expires: -1 }]);
  const expired = await errorAt(page, callback);
  assert.equal(expired.status, 400);
  assert.equal(expired.code, 'sign_in_expired');
  assert.equal(expired.message, 'The sign-in took too long; start it again.');
  assert.deepEqual(accountsOf(sub), { users: 0, links: 0 });
  await page.context().close();
});

test('linking a provider account that signs in to another user shows why, and leads back', async () => {
  const sub = uniqueName('oidctaken');
  const first = await newPage();
  await first.goto(await signInAtProvider(first, sub));
  await first.waitForURL('**/#/users');
  await first.context().close();

  const username = uniqueName('oidclinker');
  const page = await newPage();
  await register(page, username);
  await page.getByText(`Account ${username} created`).waitFor();
  await logIn(page, username);
  await page.getByRole('heading', { name: 'All users' }).waitFor();
  await page.goto('/#/security');
  await page.getByRole('link', { name: 'Link Test provider' }).click();
  await atProvider(page, sub);
  await page.waitForURL(CALLBACK);
  assert.deepEqual(await shownError(page), {
    status: 409, code: 'identity_taken', message: 'That provider account already signs in to another user.',
  });
  assert.deepEqual(await criticalA11yFindings(page), [], 'axe-core on the error page');
  await screenshots(page, 'sign-in-error');
  assert.equal(linkedUsername(sub), sub, "still the first account's");
  await page.getByRole('link', { name: 'Back to your security settings' }).click();
  await page.getByRole('link', { name: 'Link Test provider' }).waitFor();
  assert.deepEqual(page.problems, []);
  await page.context().close();
});

test('provider down at the callback: a clear 502, no account', async () => {
  const sub = uniqueName('oidcdown');
  const page = await newPage();
  const callback = await signInAtProvider(page, sub);
  await provider.stop();
  provider = null;
  const error = await errorAt(page, callback);
  assert.equal(error.status, 502);
  assert.equal(error.code, 'provider_unavailable');
  assert.deepEqual(accountsOf(sub), { users: 0, links: 0 });
  await page.context().close();
});
