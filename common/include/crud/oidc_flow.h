// The steps of a sign-in with an OpenID Connect provider (authorization code
// flow with PKCE S256): the flow's secrets sealed into a short-lived cookie,
// the provider's discovery document (fetched lazily, cached per worker), the
// authorization URL, and the back-channel code exchange.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "crud/https_client.h"
#include "crud/oidc_providers.h"
#include "crud/secretbox.h"

namespace crud {

// What a sign-in remembers between start and callback, in the browser only
// (sealed: the browser can neither read nor alter it).
struct SignInFlow {
  std::string provider;
  std::string state;          // echoed by the provider: the callback is ours
  std::string nonce;          // must come back inside the ID token
  std::string code_verifier;  // PKCE: only its SHA-256 went to the provider
  std::int64_t expires_at = 0;
  std::int64_t link_user_id = 0;  // > 0: link to this signed-in user instead of logging in
  bool api_client = false;        // answer login's token pair as JSON, no browser session
};

constexpr std::string_view kSignInCookie = "__Host-sign-in";

// A new flow with fresh random state, nonce and verifier.
SignInFlow new_sign_in_flow(const std::string& provider, std::int64_t now, int ttl_s,
                            std::int64_t link_user_id, bool api_client);
// The box sealing flow cookies, under a key derived from SESSION_SECRET.
SecretBox sign_in_box(std::string_view session_key);
std::string seal_flow(const SignInFlow& flow, const SecretBox& box);
// The flow in a sealed cookie value; nullopt when it was altered or is not one.
std::optional<SignInFlow> open_flow(std::string_view sealed, const SecretBox& box);
// The Set-Cookie value carrying a flow (HttpOnly, SameSite=Lax so the
// provider's redirect back brings it), or clearing it when `sealed` is empty.
std::string sign_in_cookie(const std::string& sealed, int max_age_s);

struct ProviderEndpoints {
  std::string authorization_endpoint;
  std::string token_endpoint;
};

// The provider's endpoints from its discovery document, cached for an hour;
// throws provider_unavailable when it cannot be fetched or is not the
// issuer's own.
ProviderEndpoints discover(const OidcProvider& provider, const HttpsOptions& options,
                           std::int64_t now);
// Where to send the browser to sign in.
std::string authorization_url(const OidcProvider& provider, const ProviderEndpoints& endpoints,
                              const SignInFlow& flow);
// Trades the authorization code for the ID token over the back channel;
// throws sign_in_refused when the provider refuses the code (used already,
// expired, another client's), provider_unavailable when it cannot answer.
std::string exchange_code(const OidcProvider& provider, const ProviderEndpoints& endpoints,
                          const std::string& code, const SignInFlow& flow,
                          const HttpsOptions& options);

}  // namespace crud
