// The OpenID Connect providers users may sign in with, from environment
// variables: OIDC_PROVIDERS names them, OIDC_<NAME>_ISSUER, _CLIENT_ID,
// _CLIENT_SECRET (and optionally _LABEL) describe each; OIDC_REDIRECT_BASE_URL
// is the public address the providers send browsers back to.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace crud {

struct OidcProvider {
  std::string name;   // as in the URL: /api/oauth/{name}/start
  std::string label;  // button text in the web UI
  std::string issuer;
  std::string client_id;
  std::string client_secret;
  std::string redirect_uri;  // OIDC_REDIRECT_BASE_URL + /api/oauth/{name}/callback
};

struct OidcSettings {
  std::vector<OidcProvider> providers;  // empty: sign-in with providers is off
  std::string ca_file;                  // OIDC_CA_FILE: extra trusted CAs (empty: system's)
  int timeout_s = 5;                    // OIDC_TIMEOUT_S: bounds each back-channel call
  int flow_ttl_s = 600;                 // OIDC_FLOW_TTL_S: time to finish a sign-in

  // Reads every setting; throws ConfigError naming the first bad one.
  static OidcSettings from_env();
  // The provider called name, or nullptr.
  const OidcProvider* find(std::string_view name) const;
  // The provider whose issuer this is, or nullptr.
  const OidcProvider* by_issuer(std::string_view issuer) const;
};

}  // namespace crud
