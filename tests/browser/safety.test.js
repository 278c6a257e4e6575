// What the web UI must never do, in headless Chromium against the test
// stack: run script from user input, hide an API error or show it away
// from its field, or break its Content-Security-Policy.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { PASSWORD, logIn, register, uniqueName } from './actions.js';
import { newUser } from './api.js';
import { criticalA11yFindings, launch, openPage, screenshots } from './browser.js';
import { stackEnv } from '../stack-env.mjs';

const { BASE_URL } = stackEnv();
const INJECTION = '<img src=x onerror=alert(1)>';
let browser;

before(async () => {
  browser = await launch();
});

after(async () => {
  await browser?.close();
});

test('HTML as a username is refused and shown as text, never run', async () => {
  const page = await openPage(browser, BASE_URL);
  await register(page, INJECTION);
  const error = page.locator('#register-username-error');
  await error.waitFor();
  assert.match(await error.textContent(), /^Some fields are not valid; see details\. Use only letters/);
  assert.equal(await page.getByLabel('Username').getAttribute('aria-invalid'), 'true');
  assert.equal(await page.getByLabel('Username').inputValue(), INJECTION);
  assert.equal(await page.locator('main img').count(), 0);
  await screenshots(page, 'register-refused');

  await logIn(page, INJECTION, PASSWORD);
  await page.getByText('The username or password is wrong.').waitFor();
  assert.equal(await page.locator('main img').count(), 0);
  assert.deepEqual(page.problems, []);
});

test('a wrong password is said so, and a good login still works', async () => {
  const page = await openPage(browser, BASE_URL);
  const username = uniqueName('wrongpw');
  await newUser(BASE_URL, username, PASSWORD);
  await logIn(page, username, 'not the password at all');
  const error = page.getByRole('alert');
  await error.getByText('The username or password is wrong.').waitFor();
  assert.deepEqual(await criticalA11yFindings(page), []);
  await screenshots(page, 'login-refused');
  await logIn(page, username, PASSWORD);
  await page.getByRole('heading', { name: 'All users' }).waitFor();
  assert.deepEqual(page.problems, []);
});

test('each error sits next to its field; the button shows progress', async () => {
  const page = await openPage(browser, BASE_URL);
  const taken = uniqueName('taken');
  await newUser(BASE_URL, taken, PASSWORD);
  await page.goto('/#/register');
  await page.getByLabel('Username').fill(uniqueName('short'));
  await page.getByLabel('Password').fill('short');
  // The request waits in the browser until the button has been checked.
  let release;
  const held = new Promise((resolve) => (release = resolve));
  await page.route('**/api/register', async (route) => {
    await held;
    await route.continue();
  });
  const button = page.getByRole('button', { name: 'Register' });
  await button.click();
  assert.equal(await page.getByRole('button', { name: 'Registering…' }).isDisabled(), true);
  release();
  await page.locator('#register-password-error').getByText('Too short.').waitFor();
  assert.equal(await page.locator('#register-username-error').isHidden(), true);

  await page.getByLabel('Username').fill(taken);
  await page.getByLabel('Password').fill(PASSWORD);
  await button.click();
  await page.locator('#register-username-error').getByText('That username is already registered.').waitFor();
  assert.equal(await page.locator('#register-password-error').isHidden(), true);
  assert.deepEqual(page.problems, []);
});

test('the policy is strict, and it is enforced', async () => {
  const page = await openPage(browser, BASE_URL);
  const response = await page.goto('/');
  const csp = response.headers()['content-security-policy'];
  assert.match(csp, /default-src 'self'/);
  assert.doesNotMatch(csp, /unsafe-inline|unsafe-eval|\*/);
  await page.getByRole('heading', { name: 'Log in' }).waitFor();
  assert.deepEqual(page.problems, []);
  // Script written into the page is refused and reported: the check can fail.
  const ran = await page.evaluate(() => {
    const script = document.createElement('script');
    try {
      script.text = 'window.injected = true';
    } catch {
      return 'refused by Trusted Types';
    }
    document.body.append(script);
    return window.injected === true ? 'ran' : 'refused';
  });
  assert.notEqual(ran, 'ran');
  await page.waitForTimeout(200); // violation reports are dispatched asynchronously
  assert.ok(page.problems.some((p) => p.startsWith('CSP:')), `no violation reported: ${page.problems}`);
});
