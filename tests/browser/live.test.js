// Live updates in the web UI: a change made elsewhere (here: the API with a
// bearer token) shows within a second, and one made while the page's
// connection is cut shows after the event stream reconnects (resuming with
// Last-Event-ID), without reloading the page.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { PASSWORD, logIn, uniqueName } from './actions.js';
import { call, newUser } from './api.js';
import { launch, openPage } from './browser.js';
import { startRelay } from './proxy.js';
import { stackEnv } from '../stack-env.mjs';

const { BASE_URL } = stackEnv();
let browser;
let relay;
let page;
let user;
const streams = []; // the page's requests for the event stream

before(async () => {
  browser = await launch();
  relay = await startRelay(BASE_URL);
  page = await openPage(browser, relay.url);
  page.on('request', (r) => r.url().includes('/api/events') && streams.push(r));
  const username = uniqueName('live');
  user = await newUser(BASE_URL, username, PASSWORD);
  await logIn(page, username);
  await page.getByText('Live: changes appear').waitFor();
  await page.goto(`/#/users/${user.id}`);
  await page.getByRole('heading', { name: `${username} (you)` }).waitFor();
});

after(async () => {
  await browser?.close();
  await relay?.close();
});

async function rename(to) {
  const r = await call(BASE_URL, 'PUT', `/api/users/${user.id}`, { username: to }, user.token);
  assert.equal(r.status, 200);
}

test('a change made elsewhere shows within a second', async () => {
  const name = uniqueName('elsewhere');
  await rename(name);
  const t0 = Date.now();
  await page.getByRole('heading', { name: `${name} (you)` }).waitFor({ timeout: 10000 });
  assert.ok(Date.now() - t0 <= 1000, `shown after ${Date.now() - t0} ms`);
});

test('a change made while the stream is cut shows after the reconnect', async () => {
  const before = streams.length;
  relay.cut();
  await page.getByText('Reconnecting to live changes').waitFor();
  const name = uniqueName('missed');
  await rename(name);
  relay.restore();
  await page.getByRole('heading', { name: `${name} (you)` }).waitFor({ timeout: 15000 });
  await page.getByText('Live: changes appear').waitFor();
  const resumed = await Promise.all(streams.slice(before).map(async (r) =>
    (await r.allHeaders())['last-event-id'] ?? new URL(r.url()).searchParams.get('last_event_id')));
  assert.ok(resumed.length > 0 && resumed.every(Boolean), `reconnects without an event id: ${resumed}`);
  assert.deepEqual(page.problems, []);
});
