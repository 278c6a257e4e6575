// The caller check and token issuing. Access tokens are checked against the
// user's current token version on every request, so a password change or a
// deletion rejects older tokens at once.
#include "crud/auth.h"

#include <sodium.h>

#include <ctime>

#include "crud/json.h"
#include "crud/jwt.h"
#include "crud/serve.h"
#include "crud/text.h"

namespace crud {

// Browser session limits from the SPEC.
constexpr std::int64_t kSessionIdleS = 30 * 60, kSessionAbsoluteS = 12 * 60 * 60;

std::int64_t active_sessions(Context& ctx) {
  return ctx.auth.active_sessions(kSessionIdleS, kSessionAbsoluteS);
}

std::string random_token() {
  unsigned char raw[32];
  randombytes_buf(raw, sizeof raw);
  return base64url_encode(std::string_view(reinterpret_cast<const char*>(raw), sizeof raw));
}

std::string sha256_hex(std::string_view text) {
  unsigned char digest[crypto_hash_sha256_BYTES];
  crypto_hash_sha256(digest, reinterpret_cast<const unsigned char*>(text.data()), text.size());
  char hex[2 * crypto_hash_sha256_BYTES + 1];
  sodium_bin2hex(hex, sizeof hex, digest, sizeof digest);
  return hex;
}

std::string csrf_token_for(const Context& ctx, std::string_view session_id) {
  unsigned char mac[crypto_auth_hmacsha256_BYTES];
  crypto_auth_hmacsha256_state state;
  const auto& key = ctx.session_key;
  crypto_auth_hmacsha256_init(&state, reinterpret_cast<const unsigned char*>(key.data()),
                              key.size());
  crypto_auth_hmacsha256_update(&state, reinterpret_cast<const unsigned char*>(session_id.data()),
                                session_id.size());
  crypto_auth_hmacsha256_final(&state, mac);
  return base64url_encode(std::string_view(reinterpret_cast<const char*>(mac), sizeof mac));
}

std::optional<std::string> session_cookie(const Request& req) {
  return request_cookie(req, kSessionCookie);
}

std::optional<std::string> request_cookie(const Request& req, std::string_view name) {
  std::string_view cookies = req.header("Cookie");
  while (!cookies.empty()) {
    auto semi = cookies.find(';');
    std::string_view pair = cookies.substr(0, semi);
    cookies = semi == std::string_view::npos ? std::string_view() : cookies.substr(semi + 1);
    while (!pair.empty() && pair.front() == ' ') pair.remove_prefix(1);
    auto eq = pair.find('=');
    if (eq != std::string_view::npos && pair.substr(0, eq) == name)
      return std::string(pair.substr(eq + 1));
  }
  return std::nullopt;
}

static bool changes_state(const std::string& method) {
  return method != "GET" && method != "HEAD" && method != "OPTIONS";
}

// The caller's state as this worker last read it (see caller_states.h), or
// fresh from the store. A token newer than the remembered state (from a
// password change still in flight) is checked against the store.
static std::optional<CallerState> remembered_caller_state(std::int64_t id,
                                                          std::int64_t token_version,
                                                          Context& ctx) {
  auto now = CallerStates::Clock::now();
  auto state = ctx.caller_states.find(id, now);
  if (state && state->token_version >= token_version) return state;
  state = ctx.auth.caller_state(id);
  if (state) {
    ctx.caller_states.remember(id, *state, now);
  } else {
    ctx.caller_states.forget(id);
  }
  return state;
}

static Caller caller_from_bearer(std::string_view token, Context& ctx) {
  JwtCheck check{ctx.config.jwt_issuer, ctx.config.jwt_audience,
                 static_cast<std::int64_t>(std::time(nullptr))};
  JwtResult result = ctx.verified_tokens.verify(token, ctx.keys, check);
  if (result.error != JwtError::none) {
    ctx.log.event(LogLevel::info,
                  std::string("access token refused: ") + jwt_error_name(result.error));
    throw ApiError(ErrorCode::invalid_token);
  }
  auto id = parse_decimal(result.claims.sub);
  if (!id) throw ApiError(ErrorCode::invalid_token);
  // The revocation marker: a deleted user or a newer token version ends
  // every token issued before.
  auto state = remembered_caller_state(*id, result.claims.ver, ctx);
  if (!state || state->token_version != result.claims.ver) throw ApiError(ErrorCode::invalid_token);
  ctx.cache.use_generation(state->cache_generation);
  return Caller{*id, state->role, ""};
}

void require_csrf(const Request& req, const Context& ctx, std::string_view session_id) {
  if (!changes_state(req.method)) return;
  std::string expected = csrf_token_for(ctx, session_id);
  std::string_view sent = req.header("X-CSRF-Token");
  if (sent.size() != expected.size() ||
      sodium_memcmp(sent.data(), expected.data(), expected.size()) != 0)
    throw ApiError(ErrorCode::csrf_failed);
}

static Caller caller_from_session(const Request& req, const std::string& session_id, Context& ctx) {
  require_csrf(req, ctx, session_id);
  std::string hash = sha256_hex(session_id);
  auto user_id = ctx.auth.session_user(hash, kSessionIdleS, kSessionAbsoluteS);
  if (!user_id) throw ApiError(ErrorCode::unauthorized);
  auto state = ctx.auth.caller_state(*user_id);
  if (!state) throw ApiError(ErrorCode::unauthorized);
  ctx.cache.use_generation(state->cache_generation);
  return Caller{*user_id, state->role, hash};
}

static Caller identify_caller(const Request& req, Context& ctx) {
  std::string_view authorization = req.header("Authorization");
  if (!authorization.empty()) {
    constexpr std::string_view scheme = "Bearer ";
    if (authorization.size() <= scheme.size() ||
        !iequals(authorization.substr(0, scheme.size()), scheme))
      throw ApiError(ErrorCode::invalid_token);
    return caller_from_bearer(authorization.substr(scheme.size()), ctx);
  }
  if (auto session_id = session_cookie(req)) return caller_from_session(req, *session_id, ctx);
  throw ApiError(ErrorCode::unauthorized);
}

Caller require_caller(const Request& req, Context& ctx) {
  Caller caller = identify_caller(req, ctx);
  ctx.caller_id = caller.id;
  return caller;
}

void require_self_or_admin(const Caller& caller, std::int64_t id) {
  if (caller.id != id && !caller.is_admin()) throw ApiError(ErrorCode::forbidden);
}

std::string access_token_for(const Context& ctx, std::int64_t user_id, const std::string& role,
                             std::int64_t token_version) {
  auto now = static_cast<std::int64_t>(std::time(nullptr));
  AccessClaims claims;
  claims.iss = ctx.config.jwt_issuer;
  claims.aud = ctx.config.jwt_audience;
  claims.sub = std::to_string(user_id);
  claims.jti = random_token();
  claims.role = role;
  claims.iat = claims.nbf = now;
  claims.exp = now + ctx.config.access_token_ttl_s;
  claims.ver = token_version;
  return sign_jwt(claims, ctx.keys);
}

IssuedTokens issue_tokens(Context& ctx, std::int64_t user_id, const std::string& role,
                          std::int64_t token_version, bool with_session) {
  IssuedTokens tokens;
  tokens.access_token = access_token_for(ctx, user_id, role, token_version);
  tokens.refresh_token = random_token();
  ctx.auth.start_family(user_id, sha256_hex(tokens.refresh_token), ctx.config.refresh_token_ttl_s);
  if (with_session) {
    tokens.session_id = random_token();  // a new id at every login
    ctx.auth.create_session(sha256_hex(tokens.session_id), user_id);
    tokens.csrf_token = csrf_token_for(ctx, tokens.session_id);
  }
  return tokens;
}

Response token_response(const Context& ctx, const IssuedTokens& tokens) {
  JsonWriter w;
  w.begin_object()
      .field("access_token", tokens.access_token)
      .field("token_type", "Bearer")
      .field("expires_in", std::int64_t{ctx.config.access_token_ttl_s})
      .field("refresh_token", tokens.refresh_token);
  if (!tokens.csrf_token.empty()) w.field("csrf_token", tokens.csrf_token);
  w.end_object();
  Response r = json_response(200, w.str());
  if (!tokens.session_id.empty()) {
    r.with_header("Set-Cookie", session_set_cookie(tokens.session_id));
  }
  return r;
}

std::string session_set_cookie(const std::string& session_id) {
  return std::string(kSessionCookie) + "=" + session_id +
         "; Path=/; Secure; HttpOnly; SameSite=Strict; Max-Age=" +
         std::to_string(kSessionAbsoluteS);
}

std::string cleared_session_cookie() {
  return std::string(kSessionCookie) + "=; Path=/; Secure; HttpOnly; SameSite=Strict; Max-Age=0";
}

}  // namespace crud
