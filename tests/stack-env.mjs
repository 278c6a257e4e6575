// The test stack's settings, for the Node tests (tests/browser, tests/contract):
// the KEY=VALUE file that tests/stack-fixture.sh writes (BASE_URL, ...),
// named by TEST_STACK_ENV. Throws when a key of `required` is missing.
import { readFileSync } from 'node:fs';

export function stackEnv(required = ['BASE_URL']) {
  const file = process.env.TEST_STACK_ENV;
  if (!file) throw new Error('TEST_STACK_ENV is not set (run through ctest)');
  const env = {};
  for (const line of readFileSync(file, 'utf8').split('\n')) {
    const at = line.indexOf('=');
    if (at > 0) env[line.slice(0, at)] = line.slice(at + 1);
  }
  for (const key of required) {
    if (!env[key]) throw new Error(`${file} has no ${key}`);
  }
  return env;
}
