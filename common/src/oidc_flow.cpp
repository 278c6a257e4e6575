// Sign-in flow steps (see oidc_flow.h). The flow lives in a sealed cookie, so
// no server state is kept between start and callback; the provider's single
// use of authorization codes stops a replayed callback.
#include "crud/oidc_flow.h"

#include <rapidjson/document.h>
#include <sodium.h>

#include <cstdio>
#include <map>
#include <vector>

#include "crud/auth.h"
#include "crud/errors.h"
#include "crud/jwt.h"
#include "crud/text.h"

namespace crud {

constexpr std::int64_t kDiscoveryTtlS = 3600;

SignInFlow new_sign_in_flow(const std::string& provider, std::int64_t now, int ttl_s,
                            std::int64_t link_user_id, bool api_client) {
  return SignInFlow{provider,    random_token(), random_token(), random_token(),
                    now + ttl_s, link_user_id,   api_client};
}

SecretBox sign_in_box(std::string_view session_key) {
  // A key of its own: a flow cookie can never open as anything else sealed.
  static const char kPurpose[] = "crud sign-in flow cookie v1";
  unsigned char key[32];
  crypto_generichash(
      key, sizeof key, reinterpret_cast<const unsigned char*>(kPurpose), sizeof kPurpose - 1,
      reinterpret_cast<const unsigned char*>(session_key.data()), session_key.size());
  char hex[2 * sizeof key + 1];
  sodium_bin2hex(hex, sizeof hex, key, sizeof key);
  sodium_memzero(key, sizeof key);
  SecretBox box = SecretBox::from_hex_key(hex);
  sodium_memzero(hex, sizeof hex);
  return box;
}

std::string seal_flow(const SignInFlow& flow, const SecretBox& box) {
  return box.seal(flow.provider + "\n" + flow.state + "\n" + flow.nonce + "\n" +
                  flow.code_verifier + "\n" + std::to_string(flow.expires_at) + "\n" +
                  std::to_string(flow.link_user_id) + "\n" + (flow.api_client ? "1" : "0"));
}

std::optional<SignInFlow> open_flow(std::string_view sealed, const SecretBox& box) {
  auto text = box.open(sealed);
  if (!text) return std::nullopt;
  std::vector<std::string> parts;
  std::size_t start = 0;
  for (std::size_t nl; (nl = text->find('\n', start)) != std::string::npos; start = nl + 1)
    parts.push_back(text->substr(start, nl - start));
  parts.push_back(text->substr(start));
  if (parts.size() != 7) return std::nullopt;
  auto expires_at = parse_decimal(parts[4]);
  auto link_user_id = parse_decimal(parts[5]);
  if (!expires_at || !link_user_id || (parts[6] != "0" && parts[6] != "1")) return std::nullopt;
  return SignInFlow{parts[0],    parts[1],      parts[2],       parts[3],
                    *expires_at, *link_user_id, parts[6] == "1"};
}

std::string sign_in_cookie(const std::string& sealed, int max_age_s) {
  return std::string(kSignInCookie) + "=" + sealed +
         "; Path=/; Secure; HttpOnly; SameSite=Lax; Max-Age=" +
         std::to_string(sealed.empty() ? 0 : max_age_s);
}

static std::string json_string(const rapidjson::Document& doc, const char* name) {
  auto it = doc.FindMember(name);
  if (it == doc.MemberEnd() || !it->value.IsString()) return "";
  return {it->value.GetString(), it->value.GetStringLength()};
}

static bool parse_object(const std::string& text, rapidjson::Document& doc) {
  doc.Parse(text.data(), text.size());
  return !doc.HasParseError() && doc.IsObject();
}

[[noreturn]] static void unusable(const OidcProvider& provider, const char* why) {
  std::fprintf(stderr, "sign-in provider %s: %s\n", provider.name.c_str(), why);
  throw ApiError(ErrorCode::provider_unavailable);
}

ProviderEndpoints discover(const OidcProvider& provider, const HttpsOptions& options,
                           std::int64_t now) {
  struct Cached {
    ProviderEndpoints endpoints;
    std::int64_t fetched_at;
  };
  static std::map<std::string, Cached> cache;  // per worker process, by provider name
  auto hit = cache.find(provider.name);
  if (hit != cache.end() && now - hit->second.fetched_at < kDiscoveryTtlS)
    return hit->second.endpoints;

  std::string base = provider.issuer;
  if (!base.empty() && base.back() == '/') base.pop_back();
  HttpsReply reply = https_get(base + "/.well-known/openid-configuration", options);
  rapidjson::Document doc;
  if (reply.status != 200 || !parse_object(reply.body, doc))
    unusable(provider, "no discovery document");
  // OIDC Discovery 4.3: the document must name exactly the configured issuer.
  if (json_string(doc, "issuer") != provider.issuer)
    unusable(provider, "discovery document of another issuer");
  ProviderEndpoints endpoints{json_string(doc, "authorization_endpoint"),
                              json_string(doc, "token_endpoint")};
  if (!starts_with(endpoints.authorization_endpoint, "https://") ||
      !starts_with(endpoints.token_endpoint, "https://"))
    unusable(provider, "endpoints missing or not https");
  cache[provider.name] = Cached{endpoints, now};
  return endpoints;
}

static std::string pkce_challenge(const std::string& verifier) {
  unsigned char digest[crypto_hash_sha256_BYTES];
  crypto_hash_sha256(digest, reinterpret_cast<const unsigned char*>(verifier.data()),
                     verifier.size());
  return base64url_encode(std::string_view(reinterpret_cast<const char*>(digest), sizeof digest));
}

std::string authorization_url(const OidcProvider& provider, const ProviderEndpoints& endpoints,
                              const SignInFlow& flow) {
  const std::string& base = endpoints.authorization_endpoint;
  return base + (base.find('?') == std::string::npos ? "?" : "&") +
         "response_type=code&scope=openid%20profile%20email" +
         "&client_id=" + url_escape(provider.client_id) +
         "&redirect_uri=" + url_escape(provider.redirect_uri) + "&state=" + flow.state +
         "&nonce=" + flow.nonce + "&code_challenge=" + pkce_challenge(flow.code_verifier) +
         "&code_challenge_method=S256";
}

std::string exchange_code(const OidcProvider& provider, const ProviderEndpoints& endpoints,
                          const std::string& code, const SignInFlow& flow,
                          const HttpsOptions& options) {
  HttpsReply reply = https_post_form(endpoints.token_endpoint,
                                     {{"grant_type", "authorization_code"},
                                      {"code", code},
                                      {"redirect_uri", provider.redirect_uri},
                                      {"code_verifier", flow.code_verifier}},
                                     provider.client_id, provider.client_secret, options);
  rapidjson::Document doc;
  bool parsed = parse_object(reply.body, doc);
  if (reply.status >= 400 && reply.status < 500) {
    std::fprintf(stderr, "sign-in provider %s refused the code: %s\n", provider.name.c_str(),
                 parsed ? json_string(doc, "error").c_str() : "(no error code)");
    throw ApiError(ErrorCode::sign_in_refused);
  }
  if (reply.status != 200 || !parsed) unusable(provider, "token endpoint failed");
  std::string id_token = json_string(doc, "id_token");
  if (id_token.empty()) unusable(provider, "no id_token in the token response");
  return id_token;
}

}  // namespace crud
