// The stack under test, from the KEY=VALUE file the CTest fixture `stack`
// writes (TEST_STACK_ENV), and the accounts the contract test makes on it:
// fresh users, an admin (crudctl make-admin) and TOTP codes (oathtool).
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { stackEnv as readStackEnv } from '../stack-env.mjs';

export function stackEnv() {
  return readStackEnv(['BASE_URL', 'CRUDCTL', 'DATABASE_URL']);
}

export const PASSWORD = 'contract passphrase';

export function uniqueName(prefix) {
  return `${prefix}${randomBytes(5).toString('hex')}`;
}

export function makeAdmin(env, username) {
  execFileSync(env.CRUDCTL, ['make-admin', username], {
    env: { PATH: process.env.PATH, DATABASE_URL: env.DATABASE_URL },
    stdio: 'pipe',
  });
}

export function totpCode(secret) {
  return execFileSync('oathtool', ['--totp', '-b', secret], { encoding: 'utf8' }).trim();
}

// A session from a login with "session": true: the cookie value and its CSRF token.
export function sessionOf(loginResponse) {
  const cookie = loginResponse.headers.getSetCookie().find((c) => c.startsWith('__Host-session='));
  return { id: cookie.split(';')[0].split('=')[1], csrf: loginResponse.json.csrf_token };
}
