// The whole life of an account in the web UI, in headless Chromium against
// the test stack: register, log in, find yourself in the list, rename (a
// second browser sees it live), turn on 2FA from the page's own QR code,
// log out, log in with a code, delete. Every page along the way keeps to
// the Content-Security-Policy and has no critical axe-core finding.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { PASSWORD, logIn, register, totpCode, uniqueName } from './actions.js';
import { criticalA11yFindings, launch, openPage, screenshots } from './browser.js';
import { stackEnv } from '../stack-env.mjs';

const LIVE_WITHIN_MS = 1000;
const { BASE_URL } = stackEnv();
let browser;
let page;
let watcher;
const username = uniqueName('flow');
const renamed = uniqueName('renamed');

async function checkPage(name) {
  assert.deepEqual(await criticalA11yFindings(page), [], `axe-core on ${name}`);
  await screenshots(page, name);
}

// Waits until the list shows a page whose first id is not `previous`.
async function pageLoadedAfter(previous) {
  for (let i = 0; i < 100; i++) {
    const first = page.locator('[data-rows] tr').first();
    const id = (await first.count()) ? await first.getAttribute('data-id') : null;
    if (id && id !== previous) return id;
    await page.waitForTimeout(100);
  }
  throw new Error('the list did not load its next page');
}

before(async () => {
  browser = await launch();
  page = await openPage(browser, BASE_URL);
});

after(async () => {
  await browser?.close();
});

test('register', async () => {
  await page.goto('/#/register');
  await page.getByRole('heading', { name: 'Register' }).waitFor();
  await checkPage('register');
  await register(page, username);
  await page.getByText(`Account ${username} created`).waitFor();
  await checkPage('login');
});

test('log in and find yourself in the list', async () => {
  await logIn(page, username);
  await page.getByRole('heading', { name: 'All users' }).waitFor();
  await page.getByText('Live: changes appear').waitFor();
  // The newest user is on the last page; follow the pages to it.
  let firstId = null;
  for (;;) {
    firstId = await pageLoadedAfter(firstId);
    if (await page.getByRole('link', { name: username, exact: true }).isVisible()) break;
    await page.getByRole('link', { name: 'Next page' }).click();
  }
  await checkPage('users');
});

test('rename; a second browser sees it live', async () => {
  await page.getByRole('link', { name: username, exact: true }).click();
  await page.getByRole('heading', { name: `${username} (you)` }).waitFor();
  await checkPage('user');

  watcher = await openPage(browser, BASE_URL);
  await logIn(watcher, username);
  await watcher.getByText('Live: changes appear').waitFor();
  const id = page.url().match(/#\/users\/(\d+)/)[1];
  await watcher.goto(`/#/users/${id}`);
  await watcher.getByRole('heading', { name: `${username} (you)` }).waitFor();
  await watcher.getByText('Live: changes appear').waitFor();

  await page.getByLabel('New username').fill(renamed);
  const saved = page.waitForResponse((r) => r.url().endsWith(`/api/users/${id}`) && r.request().method() === 'PUT');
  await page.getByRole('button', { name: 'Save username' }).click();
  assert.equal((await saved).status(), 200);
  const t0 = Date.now();
  await watcher.getByRole('heading', { name: `${renamed} (you)` }).waitFor({ timeout: 10000 });
  const took = Date.now() - t0;
  assert.ok(took <= LIVE_WITHIN_MS, `the second browser saw the change after ${took} ms`);
  await page.getByText(`Username changed to ${renamed}.`).waitFor();
  assert.deepEqual(watcher.problems, []);
  await watcher.context().close();
});

test('turn on 2FA with the QR code the page drew', async () => {
  await page.getByRole('link', { name: 'Two-factor' }).click();
  const enrolment = page.waitForResponse((r) => r.url().endsWith('/api/me/totp') && r.request().method() === 'POST');
  await page.getByRole('button', { name: 'Set up two-factor authentication' }).click();
  const { secret, otpauth_uri: uri } = await (await enrolment).json();
  const qr = page.getByRole('img', { name: 'QR code for your authenticator app' });
  await qr.waitFor();
  assert.equal(await page.locator('[data-secret]').textContent(), secret);

  const dir = mkdtempSync(join(tmpdir(), 'qr-'));
  try {
    await qr.screenshot({ path: join(dir, 'qr.png') });
    const decoded = execFileSync('zbarimg', ['-q', '--raw', join(dir, 'qr.png')], { stdio: ['ignore', 'pipe', 'ignore'] });
    assert.equal(decoded.toString().trimEnd(), uri);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  await checkPage('two-factor-enrol');

  await page.getByLabel('Code from the app', { exact: true }).fill(totpCode(secret));
  await page.getByRole('button', { name: 'Turn on' }).click();
  await page.getByRole('heading', { name: 'Your recovery codes' }).waitFor();
  assert.equal(await page.locator('[data-code-list] li').count(), 10);
  page.totpSecret = secret;
});

test('log out, log in with a code', async () => {
  await page.getByRole('button', { name: 'Log out' }).click();
  await page.getByText('You are logged out.').waitFor();
  await logIn(page, renamed);
  await page.getByText('Enter the code from your authenticator app.').waitFor();
  await checkPage('login-code');
  // The enrolment used this time step's code: take the next one (±1 step is accepted).
  await page.getByLabel('Authentication code').fill(totpCode(page.totpSecret, 30));
  await page.getByRole('button', { name: 'Log in' }).click();
  await page.getByRole('heading', { name: 'All users' }).waitFor();
});

test('delete after a confirmation', async () => {
  await page.getByRole('link', { name: 'My account' }).click();
  await page.getByRole('button', { name: 'Delete user…' }).click();
  const dialog = page.getByRole('dialog', { name: 'Delete this user?' });
  await dialog.waitFor();
  await checkPage('delete-confirm');
  await dialog.getByRole('button', { name: 'Cancel' }).click();
  await dialog.waitFor({ state: 'hidden' });
  await page.getByRole('button', { name: 'Delete user…' }).click();
  await dialog.getByRole('button', { name: 'Delete' }).click();
  await page.getByText('Your account has been deleted.').waitFor();
  await logIn(page, renamed);
  await page.getByText('The username or password is wrong.').waitFor();
});

test('no CSP violation or script error on the way', () => {
  assert.deepEqual(page.problems, []);
});
