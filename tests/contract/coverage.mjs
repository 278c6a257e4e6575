// Which documented responses the contract test has produced, and the check
// at the end: every operation exercised, every documented status seen or
// explained in UNREACHABLE.
const RATE_LIMIT_REF = '#/components/responses/RateLimited';

// Responses a test against the shared fixture stack cannot produce.
export const UNREACHABLE = {
  default: 'server failures (5xx) need an outage; the integration tests (errors_test, outage_test, failover_test) cause them',
  [RATE_LIMIT_REF]: "nginx's per-address rate limit: the stack fixture raises it to 100000r/s for the suite",
  'GET /readyz 503': 'needs PostgreSQL down, which would fail the other tests sharing the fixture (health_test covers it)',
  'GET /metrics 403': 'only for addresses outside localhost and the private networks; the test runs on localhost',
  'GET /api/oauth/{provider}/start 302': 'a sign-in at a running provider: tests/browser/oidc.test.js runs one and produces it',
  'GET /api/oauth/{provider}/start 502': 'the provider down before any worker fetched its discovery document: tests/browser/oidc.test.js',
  'GET /api/oauth/{provider}/callback 200': "an API client's sign-in at a running provider: tests/browser/oidc.test.js runs one and produces it",
  'GET /api/oauth/{provider}/callback 302': 'a sign-in at a running provider: tests/browser/oidc.test.js runs one and produces it',
  'GET /api/oauth/{provider}/callback 401': 'a sign-in at a running provider: tests/browser/oidc.test.js runs one and produces it',
  'GET /api/oauth/{provider}/callback 409': 'linking needs a provider sign-in (tests/browser/oidc.test.js)',
  'GET /api/oauth/{provider}/callback 502': 'a sign-in at a running provider: tests/browser/oidc.test.js runs one and produces it',
  'DELETE /api/me/identities/{provider} 204': 'needs a linked provider: tests/browser/oidc.test.js',
  'DELETE /api/me/identities/{provider} 409': 'needs a linked provider: tests/browser/oidc.test.js',
};

export class Coverage {
  constructor(spec) {
    this.spec = spec;
    this.seen = new Map();
  }

  record(opKey, responseKey) {
    if (!this.seen.has(opKey)) this.seen.set(opKey, new Set());
    this.seen.get(opKey).add(responseKey);
  }

  reasonFor(opKey, responseKey, response) {
    if (responseKey === 'default') return UNREACHABLE.default;
    return UNREACHABLE[`${opKey} ${responseKey}`] ?? UNREACHABLE[response.$ref];
  }

  // Problems: operations never called, statuses neither seen nor explained,
  // and explanations for statuses that were seen after all (out of date).
  problems() {
    const problems = [];
    for (const { key, op } of this.spec.operations()) {
      const seen = this.seen.get(key) ?? new Set();
      if (seen.size === 0) problems.push(`${key}: never called`);
      for (const [status, response] of Object.entries(op.responses)) {
        const reason = this.reasonFor(key, status, response);
        if (seen.has(status) && reason && UNREACHABLE[`${key} ${status}`]) {
          problems.push(`${key} ${status}: seen, yet listed as unreachable`);
        }
        if (!seen.has(status) && !reason) problems.push(`${key} ${status}: documented, never produced`);
      }
    }
    return problems;
  }

  // The documented responses left out, with why (printed in the test log).
  skipped() {
    const lines = [];
    for (const { key, op } of this.spec.operations()) {
      for (const [status, response] of Object.entries(op.responses)) {
        const seen = this.seen.get(key)?.has(status);
        if (!seen) lines.push(`${key} ${status}: ${this.reasonFor(key, status, response)}`);
      }
    }
    return lines;
  }
}
