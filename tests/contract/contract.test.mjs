// The contract test: real requests to the running stack (the CTest fixture
// `stack`), each response checked against docs/openapi.yaml: status, headers,
// content type and body schema. Ends by checking that every operation was
// called and every documented status produced or explained (coverage.mjs).
import assert from 'node:assert/strict';
import { fileURLToPath } from 'node:url';
import { test } from 'node:test';
import { makeClient } from './client.mjs';
import { Coverage } from './coverage.mjs';
import { OpenApi } from './openapi.mjs';
import { PASSWORD, makeAdmin, sessionOf, stackEnv, totpCode, uniqueName } from './stack.mjs';

const spec = new OpenApi(fileURLToPath(new URL('../../docs/openapi.yaml', import.meta.url)));
const env = stackEnv();
const call = makeClient(env.BASE_URL);
const coverage = new Coverage(spec);
const OVERSIZED = JSON.stringify({ username: 'x'.repeat(17 * 1024) });

function describe(res) {
  return `${res.status} ${res.text.slice(0, 300)}`;
}

// Sends a request for operation `opKey` ("PUT /api/users/{id}"), expects
// `status` (and the error `code`), and checks the response against the spec.
async function check(opKey, status, { path, code, ...options } = {}) {
  const [method, template] = opKey.split(' ');
  const res = await call(method, path ?? template, options);
  assert.equal(res.status, status, `${opKey}: ${describe(res)}`);
  if (code) assert.equal(res.json?.error?.code, code, `${opKey}: ${describe(res)}`);
  const op = spec.operation(opKey);
  const key = spec.responseKey(op.responses, res.status);
  assert.ok(key, `${opKey}: status ${res.status} is not documented`);
  const problems = spec.responseProblems(spec.resolve(op.responses[key]), res);
  assert.deepEqual(problems, [], `${opKey} ${res.status} differs from docs/openapi.yaml`);
  coverage.record(opKey, key);
  return res;
}

// The same for a response documented once in components.responses.
async function checkComponent(name, status, method, path, options = {}) {
  const res = await call(method, path, options);
  assert.equal(res.status, status, `${method} ${path}: ${describe(res)}`);
  const problems = spec.responseProblems(spec.doc.components.responses[name], res);
  assert.deepEqual(problems, [], `${method} ${path} ${res.status} differs from ${name}`);
  return res;
}

async function newUser(prefix = 'ct') {
  const username = uniqueName(prefix);
  const res = await check('POST /api/register', 201, { json: { username, password: PASSWORD } });
  return { id: res.json.user_id, username, password: PASSWORD };
}

async function login(user, extra = {}) {
  const res = await check('POST /api/login', 200, {
    json: { username: user.username, password: user.password, ...extra },
  });
  return res;
}

async function loggedIn(prefix) {
  const user = await newUser(prefix);
  return { ...user, token: (await login(user)).json.access_token };
}

async function loggedInWithSession(prefix) {
  const user = await newUser(prefix);
  const res = await login(user, { session: true });
  return { ...user, token: res.json.access_token, session: sessionOf(res) };
}

const admin = await (async () => {
  const user = await newUser('ctadmin');
  makeAdmin(env, user.username);
  return { ...user, token: (await login(user)).json.access_token };
})();
const MISSING_ID = 9007199254740000;

// Body errors every JSON write shares: 400, 413 and 415.
async function checkBodyErrors(opKey, options) {
  await check(opKey, 400, { ...options, body: '{"a":', headers: { 'Content-Type': 'application/json' }, code: 'invalid_json' });
  await check(opKey, 400, { ...options, json: { unknown: 'x' }, code: 'unknown_field' });
  await check(opKey, 413, { ...options, body: OVERSIZED, headers: { 'Content-Type': 'application/json' }, code: 'payload_too_large' });
  await check(opKey, 415, { ...options, body: 'a=b', headers: { 'Content-Type': 'text/plain' }, code: 'unsupported_media_type' });
}

for (const opKey of ['POST /api/register', 'POST /api/users']) {
  test(opKey, async () => {
    const username = uniqueName('ctreg');
    const created = await check(opKey, 201, { json: { username, password: PASSWORD } });
    assert.equal(created.headers.get('location'), `/api/users/${created.json.user_id}`);
    await check(opKey, 409, { json: { username: username.toUpperCase(), password: PASSWORD }, code: 'username_taken' });
    await check(opKey, 422, { json: { username: uniqueName('ct'), password: 'short' }, code: 'validation_failed' });
    await check(opKey, 400, { json: { username: 'abc' }, code: 'missing_field' });
    await checkBodyErrors(opKey, {});
  });
}

test('GET /api/users', async () => {
  const me = await loggedIn();
  const page = await check('GET /api/users', 200, { path: '/api/users?limit=1', token: me.token });
  assert.match(page.json.next, /^\/api\/users\?limit=1&after=\d+$/);
  const last = await check('GET /api/users', 200, { path: `/api/users?after=${MISSING_ID}`, token: me.token });
  assert.equal(last.json.next, null);
  await check('GET /api/users', 400, { path: '/api/users?limit=0', token: me.token, code: 'invalid_query' });
  await check('GET /api/users', 401, { code: 'unauthorized' });
  await check('GET /api/users', 401, { token: 'not-a-token', code: 'invalid_token' });
});

test('GET /api/users/{id}', async () => {
  const me = await loggedIn();
  const read = await check('GET /api/users/{id}', 200, { path: `/api/users/${me.id}`, token: me.token });
  await check('GET /api/users/{id}', 304, {
    path: `/api/users/${me.id}`, token: me.token, headers: { 'If-None-Match': read.headers.get('etag') },
  });
  await check('GET /api/users/{id}', 401, { path: `/api/users/${me.id}`, code: 'unauthorized' });
  for (const id of [MISSING_ID, 'abc', '0', '-1', '9223372036854775808']) {
    await check('GET /api/users/{id}', 404, { path: `/api/users/${id}`, token: me.token, code: 'not_found' });
  }
});

test('PUT /api/users/{id}', async () => {
  const op = 'PUT /api/users/{id}';
  const me = await loggedInWithSession();
  const other = await newUser();
  const path = `/api/users/${me.id}`;
  const read = await check('GET /api/users/{id}', 200, { path, token: me.token });
  const renamed = await check(op, 200, {
    path, token: me.token, json: { username: uniqueName('ctren') }, headers: { 'If-Match': read.headers.get('etag') },
  });
  assert.notEqual(renamed.headers.get('etag'), read.headers.get('etag'));
  await check(op, 412, { path, token: me.token, json: { username: uniqueName('ct') }, headers: { 'If-Match': read.headers.get('etag') }, code: 'precondition_failed' });
  await check(op, 409, { path, token: me.token, json: { username: other.username }, code: 'username_taken' });
  await check(op, 422, { path, token: me.token, json: { username: 'no spaces allowed' }, code: 'validation_failed' });
  await check(op, 400, { path, token: me.token, json: {}, code: 'missing_field' });
  await checkBodyErrors(op, { path, token: me.token });
  await check(op, 401, { path, json: { username: uniqueName('ct') }, code: 'unauthorized' });
  await check(op, 403, { path: `/api/users/${other.id}`, token: me.token, json: { username: uniqueName('ct') }, code: 'forbidden' });
  await check(op, 403, { path, session: me.session, csrf: false, json: { username: uniqueName('ct') }, code: 'csrf_failed' });
  await check(op, 200, { path, session: me.session, json: { username: uniqueName('ctses') } });
  await check(op, 404, { path: `/api/users/${MISSING_ID}`, token: admin.token, json: { username: uniqueName('ct') }, code: 'not_found' });
});

test('DELETE /api/users/{id}', async () => {
  const op = 'DELETE /api/users/{id}';
  const me = await loggedIn();
  const other = await newUser();
  await check(op, 401, { path: `/api/users/${me.id}`, code: 'unauthorized' });
  await check(op, 403, { path: `/api/users/${other.id}`, token: me.token, code: 'forbidden' });
  await check(op, 404, { path: `/api/users/${MISSING_ID}`, token: admin.token, code: 'not_found' });
  await check(op, 204, { path: `/api/users/${me.id}`, token: me.token });
  await check('GET /api/me', 401, { token: me.token, code: 'invalid_token' });
});

test('PUT /api/users/{id}/password', async () => {
  const op = 'PUT /api/users/{id}/password';
  const me = await loggedInWithSession();
  const other = await newUser();
  const path = `/api/users/${me.id}/password`;
  const change = (current, next) => ({ current_password: current, new_password: next });
  await check(op, 422, { path, token: me.token, json: change(PASSWORD, 'short'), code: 'validation_failed' });
  await check(op, 400, { path, token: me.token, json: { current_password: PASSWORD }, code: 'missing_field' });
  await checkBodyErrors(op, { path, token: me.token });
  await check(op, 401, { path, json: change(PASSWORD, 'another passphrase'), code: 'unauthorized' });
  await check(op, 403, { path: `/api/users/${other.id}/password`, token: me.token, json: change(PASSWORD, 'another passphrase'), code: 'forbidden' });
  await check(op, 404, { path: `/api/users/${MISSING_ID}/password`, token: admin.token, json: change(PASSWORD, 'another passphrase'), code: 'not_found' });
  await check(op, 403, { path, session: me.session, csrf: false, json: change(PASSWORD, 'another passphrase'), code: 'csrf_failed' });
  const viaSession = await check(op, 200, { path, session: me.session, json: change(PASSWORD, 'a second passphrase') });
  assert.ok(viaSession.headers.getSetCookie().some((c) => c.startsWith('__Host-session=')), 'a new session cookie');
  const viaToken = await check(op, 200, { path, token: viaSession.json.access_token, json: change('a second passphrase', 'a third passphrase') });
  assert.deepEqual(viaToken.headers.getSetCookie(), []);
  // Wrong current passwords count as failed logins: the sixth is throttled.
  const token = viaToken.json.access_token;
  for (let i = 0; i < 5; i++) {
    await check(op, 403, { path, token, json: change('not my password', 'a fourth passphrase'), code: 'wrong_password' });
  }
  const throttled = await check(op, 429, { path, token, json: change('a third passphrase', 'a fourth passphrase'), code: 'too_many_login_attempts' });
  assert.ok(Number(throttled.headers.get('retry-after')) >= 1);
});

test('POST /api/login', async () => {
  const op = 'POST /api/login';
  const user = await newUser();
  const bearer = await login(user);
  assert.deepEqual(bearer.headers.getSetCookie(), []);
  assert.equal(bearer.json.csrf_token, undefined);
  const browser = await login(user, { session: true });
  assert.ok(browser.json.csrf_token && browser.headers.getSetCookie().length === 1);
  await check(op, 401, { json: { username: user.username, password: 'wrong passphrase' }, code: 'invalid_credentials' });
  await check(op, 400, { json: { username: user.username }, code: 'missing_field' });
  await check(op, 400, { json: { username: user.username, password: PASSWORD, session: 'yes' }, code: 'invalid_type' });
  await checkBodyErrors(op, {});
  // Throttling is per account: an unknown name works as well as any.
  const stranger = { username: uniqueName('ctnobody'), password: 'wrong passphrase' };
  for (let i = 0; i < 5; i++) await check(op, 401, { json: stranger, code: 'invalid_credentials' });
  await check(op, 429, { json: stranger, code: 'too_many_login_attempts' });
});

test('POST /api/token/refresh', async () => {
  const op = 'POST /api/token/refresh';
  const first = await login(await newUser());
  const next = await check(op, 200, { json: { refresh_token: first.json.refresh_token } });
  assert.notEqual(next.json.refresh_token, first.json.refresh_token);
  await check(op, 401, { json: { refresh_token: 'not-a-refresh-token' }, code: 'invalid_refresh_token' });
  await check(op, 400, { json: {}, code: 'missing_field' });
  await checkBodyErrors(op, {});
});

test('POST /api/logout', async () => {
  const op = 'POST /api/logout';
  const me = await loggedInWithSession();
  const pair = await login(me);
  await check(op, 204, { json: { refresh_token: pair.json.refresh_token } });
  await check('POST /api/token/refresh', 401, { json: { refresh_token: pair.json.refresh_token }, code: 'invalid_refresh_token' });
  await check(op, 403, { session: me.session, csrf: false, code: 'csrf_failed' });
  await checkBodyErrors(op, {});
  await check(op, 204, { session: me.session });
  await check('GET /api/me', 401, { session: me.session, code: 'unauthorized' });
  await check(op, 204, {});
});

test('GET /api/me', async () => {
  const me = await loggedInWithSession();
  const res = await check('GET /api/me', 200, { token: me.token });
  assert.deepEqual([res.json.role, res.json.totp_enabled], ['user', false]);
  await check('GET /api/me', 200, { session: me.session });
  const asAdmin = await check('GET /api/me', 200, { token: admin.token });
  assert.equal(asAdmin.json.role, 'admin');
  await check('GET /api/me', 401, { code: 'unauthorized' });
});

test('two-factor: /api/me/totp and /api/me/totp/verify', async () => {
  const enrol = 'POST /api/me/totp';
  const verify = 'POST /api/me/totp/verify';
  const disable = 'DELETE /api/me/totp';
  const me = await loggedInWithSession();
  await check(verify, 409, { token: me.token, json: { code: '123456' }, code: 'totp_not_enrolled' });
  await check(disable, 409, { token: me.token, json: { code: '123456' }, code: 'totp_not_enabled' });
  for (const op of [enrol, verify, disable]) {
    await check(op, 401, { json: { code: '123456' }, code: 'unauthorized' });
    await check(op, 403, { session: me.session, csrf: false, json: { code: '123456' }, code: 'csrf_failed' });
  }
  for (const op of [verify, disable]) {
    await check(op, 400, { token: me.token, json: {}, code: 'missing_field' });
    await checkBodyErrors(op, { token: me.token });
  }
  const { secret } = (await check(enrol, 200, { token: me.token })).json;
  const current = totpCode(secret);
  const wrong = String((Number(current) + 500000) % 1000000).padStart(6, '0');
  await check(verify, 422, { token: me.token, json: { code: wrong }, code: 'validation_failed' });
  const codes = (await check(verify, 200, { token: me.token, json: { code: current } })).json.recovery_codes;
  await check(verify, 409, { token: me.token, json: { code: current }, code: 'totp_already_enabled' });
  await check(enrol, 409, { token: me.token, code: 'totp_already_enabled' });

  const credentials = { username: me.username, password: PASSWORD };
  await check('POST /api/login', 401, { json: credentials, code: 'totp_required' });
  await check('POST /api/login', 401, { json: { ...credentials, totp: wrong }, code: 'invalid_totp' });
  await login(me, { totp: codes[0] });
  await check(disable, 422, { token: me.token, json: { code: wrong }, code: 'validation_failed' });
  await check(disable, 204, { token: me.token, json: { code: codes[1] } });
});

// Sign-in providers without a provider sign-in: the stack's provider
// ("local") is configured but only tests/browser/oidc.test.js runs it, so the
// redirects and the provider's answers are produced there (coverage.mjs).
test('sign-in providers: /api/oauth/* and /api/me/identities', async () => {
  const list = await check('GET /api/oauth/providers', 200);
  assert.deepEqual(list.json.providers.map((p) => p.name), ['local']);
  const start = 'GET /api/oauth/{provider}/start';
  await check(start, 404, { path: '/api/oauth/nosuch/start', code: 'unknown_provider' });
  await check(start, 401, { path: '/api/oauth/local/start?link=1', code: 'unauthorized' });
  await check(start, 400, { path: '/api/oauth/local/start?tokens=yes', code: 'invalid_query' });
  await check(start, 400, { path: '/api/oauth/local/start?tokens=1&link=1', code: 'invalid_query' });
  const callback = 'GET /api/oauth/{provider}/callback';
  await check(callback, 404, { path: '/api/oauth/nosuch/callback?state=x&code=y', code: 'unknown_provider' });
  await check(callback, 400, { path: '/api/oauth/local/callback?state=x&code=y', code: 'sign_in_state_mismatch' });
  // A browser's navigation gets the same refusal as a page.
  const page = await check(callback, 400, {
    path: '/api/oauth/local/callback?state=x&code=y', headers: { Accept: 'text/html,*/*;q=0.8' },
  });
  assert.match(page.headers.get('content-type'), /^text\/html/);
  assert.match(page.text, /<code id="error-code">sign_in_state_mismatch<\/code>/);

  const me = await loggedInWithSession();
  const listed = await check('GET /api/me/identities', 200, { token: me.token });
  assert.deepEqual(listed.json.identities, []);
  await check('GET /api/me/identities', 200, { session: me.session });
  await check('GET /api/me/identities', 401, { code: 'unauthorized' });
  const unlink = 'DELETE /api/me/identities/{provider}';
  await check(unlink, 404, { path: '/api/me/identities/local', token: me.token, code: 'not_found' });
  await check(unlink, 404, { path: '/api/me/identities/nosuch', token: me.token, code: 'unknown_provider' });
  await check(unlink, 401, { path: '/api/me/identities/local', code: 'unauthorized' });
  await check(unlink, 403, { path: '/api/me/identities/local', session: me.session, csrf: false, code: 'csrf_failed' });
});

test('GET /api/events', async () => {
  const me = await loggedIn();
  await check('GET /api/events', 200, { token: me.token, headers: { Accept: 'text/event-stream' } });
  await check('GET /api/events', 401, { headers: { Accept: 'text/event-stream' }, code: 'unauthorized' });
});

test('operations: health, readiness, metrics, this document, its page', async () => {
  await check('GET /healthz', 200);
  await check('GET /readyz', 200);
  const metrics = await check('GET /metrics', 200);
  assert.match(metrics.text, /^# (HELP|TYPE) crud_/m);
  const yaml = await check('GET /api/openapi.yaml', 200);
  assert.match(yaml.text, /^openapi: 3\.1\./);
  const page = await check('GET /api/docs', 200);
  const script = page.text.match(/<script src="([^"]+)"/)?.[1];
  assert.ok(script, 'the page loads Redoc from this server');
  const bundle = await call('GET', new URL(script, `${env.BASE_URL}/api/docs`).pathname);
  assert.equal(bundle.status, 200, 'the Redoc bundle is served');
});

test("nginx's 405 with Allow on every path, 404 on unknown paths", async () => {
  for (const path of Object.keys(spec.doc.paths)) {
    const concrete = path.replace('{id}', '1').replace('{provider}', 'local');
    const res = await checkComponent('MethodNotAllowed', 405, 'PATCH', concrete);
    const documented = spec.methodsOf(path);
    // HEAD comes with GET, except on the event stream (info.description).
    if (documented.includes('GET') && path !== '/api/events') documented.push('HEAD');
    assert.deepEqual(res.headers.get('allow').split(', ').sort(), documented.sort(), `Allow of ${path}`);
  }
  await checkComponent('NotFound', 404, 'GET', '/api/no-such-path');
  await checkComponent('NotFound', 404, 'GET', '/no-such-path');
});

test('coverage: every operation called, every documented status produced or explained', () => {
  console.log(`not produced here:\n  ${coverage.skipped().join('\n  ')}`);
  assert.deepEqual(coverage.problems(), []);
});
