// Who is calling: the one caller check every protected handler runs
// (Bearer access token, or the browser session cookie plus the CSRF header
// on writes), the access rules of the SPEC's user table, and issuing tokens
// and sessions at login.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "crud/auth_store.h"
#include "crud/http.h"

namespace crud {

struct Context;

struct Caller {
  std::int64_t id = 0;
  std::string role;
  std::string session_hash;  // set when authenticated by the session cookie

  bool is_admin() const { return role == "admin"; }
  bool via_session() const { return !session_hash.empty(); }
};

// The authenticated caller; throws 401 (no or bad credentials) or 403
// csrf_failed (a cookie-authenticated write without the right header).
Caller require_caller(const Request& req, Context& ctx);
// Throws 403 csrf_failed unless a state-changing request carries the CSRF
// token of this session id (GET and HEAD pass).
void require_csrf(const Request& req, const Context& ctx, std::string_view session_id);
// True when `code` is a current TOTP code of the user (claimed, so it works
// once) or one of its unused recovery codes (spent).
bool accept_second_factor(Context& ctx, const Credentials& user, const std::string& code);
// Throws 403 forbidden unless the caller is user `id` or an admin.
void require_self_or_admin(const Caller& caller, std::int64_t id);
// Logins still usable now (token pairs and browser sessions), for metrics.
std::int64_t active_sessions(Context& ctx);

// The session cookie's value in a request, if any.
std::optional<std::string> session_cookie(const Request& req);
// The value of the cookie called name in a request, if any.
std::optional<std::string> request_cookie(const Request& req, std::string_view name);
constexpr std::string_view kSessionCookie = "__Host-session";

// What a successful login, refresh or password change hands out.
struct IssuedTokens {
  std::string access_token;
  std::string refresh_token;
  std::string session_id;  // browser session cookie value, when one was made
  std::string csrf_token;
};

// A signed access token for the user at its current token version.
std::string access_token_for(const Context& ctx, std::int64_t user_id, const std::string& role,
                             std::int64_t token_version);
// A new access token and a new refresh-token family for the user; a browser
// session too when `with_session`.
IssuedTokens issue_tokens(Context& ctx, std::int64_t user_id, const std::string& role,
                          std::int64_t token_version, bool with_session);
// The SPEC's token response (200) with the session cookie when one was made.
Response token_response(const Context& ctx, const IssuedTokens& tokens);
// The Set-Cookie value carrying a new browser session's id.
std::string session_set_cookie(const std::string& session_id);
// A Set-Cookie value that removes the session cookie.
std::string cleared_session_cookie();

// 32 random bytes, base64url: refresh tokens and session ids.
std::string random_token();
// SHA-256 of a token as hex: how tokens and codes are stored.
std::string sha256_hex(std::string_view text);
// The CSRF token of a session: HMAC-SHA-256 over its id, base64url.
std::string csrf_token_for(const Context& ctx, std::string_view session_id);

}  // namespace crud
