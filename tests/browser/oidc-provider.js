// A real, certified OpenID Connect provider (the npm package oidc-provider)
// for the sign-in tests, run inside the test process over HTTPS with the
// certificate the test fixture made from its test CA (the service trusts
// that CA through OIDC_CA_FILE). Its sign-in pages are the package's
// development ones: any login name is accepted, and becomes the account's
// "sub" and preferred_username.
import { readFileSync } from 'node:fs';
import { createServer } from 'node:https';
import Provider from 'oidc-provider';

// The provider of test-stack.env's OIDC_* settings, listening on its port;
// `await provider.stop()` takes it down (the "provider down" case).
export async function startProvider(env) {
  const provider = new Provider(env.OIDC_ISSUER, {
    clients: [{
      client_id: env.OIDC_CLIENT_ID,
      client_secret: env.OIDC_CLIENT_SECRET,
      redirect_uris: [env.OIDC_REDIRECT_URI],
      grant_types: ['authorization_code'],
      response_types: ['code'],
    }],
    findAccount: (_ctx, sub) => ({
      accountId: sub,
      claims: () => ({ sub, preferred_username: sub, name: `Test ${sub}`, email: `${sub}@example.test` }),
    }),
    claims: { openid: ['sub'], profile: ['preferred_username', 'name'], email: ['email'] },
    // The profile claims inside the ID token too: the service reads no userinfo.
    conformIdTokenClaims: false,
    pkce: { required: () => true },
    cookies: { keys: ['sign-in tests only, not a secret'] },
  });
  const server = createServer(
    { key: readFileSync(env.OIDC_KEY), cert: readFileSync(env.OIDC_CERT) },
    provider.callback(),
  );
  await new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(Number(env.OIDC_PORT), '127.0.0.1', resolve);
  });
  return {
    stop: () => new Promise((resolve) => {
      server.closeAllConnections();
      server.close(resolve);
    }),
  };
}
