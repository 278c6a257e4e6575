// Reading the OpenID Connect provider settings. Issuers must be https://:
// the ID token's signature is taken on trust from the TLS back channel
// (docs/oidc.md), so there is no plain-http escape hatch, not even for tests.
#include "crud/oidc_providers.h"

#include <cctype>
#include <cstdlib>

#include "crud/config.h"
#include "crud/text.h"

namespace crud {

static bool valid_name(std::string_view name) {
  if (name.empty() || name.size() > 32) return false;
  for (char c : name)
    if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-')) return false;
  return true;
}

// OIDC_<NAME>_<WHAT>: the provider's name upper-cased, '-' as '_'.
static std::string provider_var(std::string_view name, const char* what) {
  std::string var = "OIDC_";
  for (char c : name) var += c == '-' ? '_' : static_cast<char>(std::toupper(c));
  return var + "_" + what;
}

static std::string required(const std::string& var) {
  const char* value = std::getenv(var.c_str());
  if (!value || !*value) throw ConfigError(var + " is required for a provider in OIDC_PROVIDERS");
  return value;
}

static std::string without_trailing_slash(std::string url) {
  while (!url.empty() && url.back() == '/') url.pop_back();
  return url;
}

OidcSettings OidcSettings::from_env() {
  OidcSettings s;
  s.ca_file = env_or("OIDC_CA_FILE", "");
  s.timeout_s = static_cast<int>(env_int("OIDC_TIMEOUT_S", 5, 1, 30));
  s.flow_ttl_s = static_cast<int>(env_int("OIDC_FLOW_TTL_S", 600, 10, 3600));
  std::string names = env_or("OIDC_PROVIDERS", "");
  if (names.empty()) return s;

  std::string base = without_trailing_slash(env_or("OIDC_REDIRECT_BASE_URL", ""));
  if (!starts_with(base, "https://") && !starts_with(base, "http://"))
    throw ConfigError("OIDC_REDIRECT_BASE_URL must be the service's public http(s):// address");
  std::size_t start = 0;
  while (start <= names.size()) {
    std::size_t comma = names.find(',', start);
    if (comma == std::string::npos) comma = names.size();
    std::string name = names.substr(start, comma - start);
    start = comma + 1;
    if (!valid_name(name) || s.find(name))
      throw ConfigError("OIDC_PROVIDERS must list distinct names of [a-z0-9-], got \"" + names +
                        "\"");
    OidcProvider p;
    p.name = name;
    p.issuer = required(provider_var(name, "ISSUER"));  // exactly as the tokens' "iss"
    if (!starts_with(p.issuer, "https://"))
      throw ConfigError(provider_var(name, "ISSUER") + " must start with https://");
    p.client_id = required(provider_var(name, "CLIENT_ID"));
    p.client_secret = required(provider_var(name, "CLIENT_SECRET"));
    p.label = env_or(provider_var(name, "LABEL").c_str(), name);
    p.redirect_uri = base + "/api/oauth/" + name + "/callback";
    s.providers.push_back(std::move(p));
  }
  return s;
}

const OidcProvider* OidcSettings::find(std::string_view name) const {
  for (const auto& p : providers)
    if (p.name == name) return &p;
  return nullptr;
}

const OidcProvider* OidcSettings::by_issuer(std::string_view issuer) const {
  for (const auto& p : providers)
    if (p.issuer == issuer) return &p;
  return nullptr;
}

}  // namespace crud
