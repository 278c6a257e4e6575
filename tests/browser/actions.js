// What a person does in the web UI, as steps the tests share.
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';

export const PASSWORD = 'a long browser passphrase';

export function uniqueName(prefix) {
  return `${prefix}${randomBytes(4).toString('hex')}`;
}

export async function register(page, username, password = PASSWORD) {
  await page.goto('/#/register');
  await page.getByLabel('Username').fill(username);
  await page.getByLabel('Password').fill(password);
  await page.getByRole('button', { name: 'Register' }).click();
}

export async function logIn(page, username, password = PASSWORD) {
  await page.goto('/#/login');
  await page.getByLabel('Username').fill(username);
  await page.getByLabel('Password').fill(password);
  await page.getByRole('button', { name: 'Log in' }).click();
}

// The 6-digit TOTP code of `secret` for `offsetSeconds` from now.
export function totpCode(secret, offsetSeconds = 0) {
  const at = `@${Math.floor(Date.now() / 1000) + offsetSeconds}`;
  return execFileSync('oathtool', ['--totp', '-b', '--now', at, secret]).toString().trim();
}
