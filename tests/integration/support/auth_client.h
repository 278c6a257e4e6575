// Client side of the SPEC's authentication: logging in, the token pair and
// the browser session cookie, and the headers that present them. Every call
// here is anonymous unless it says otherwise: a client that logs in or
// refreshes has no access token yet.
#pragma once

#include <gtest/gtest.h>

#include <map>
#include <optional>
#include <string>

#include "support/http_client.h"
#include "support/test_data.h"

namespace itest {

// What a login, refresh or password change handed out.
struct Tokens {
  std::string access_token;
  std::string refresh_token;
  std::string csrf_token;  // only for a browser session
  std::string session;     // the __Host-session cookie value; "" when none was set
};

// `extra` plus an explicit "no credentials" (request() adds none then).
HeaderList anonymous(HeaderList extra = {});
// `extra` plus Authorization: Bearer <token>.
HeaderList bearer(const std::string& token, HeaderList extra = {});
// `extra` plus Cookie: __Host-session=<session> and, when given, X-CSRF-Token.
HeaderList session_cookie(const std::string& session, const std::string& csrf = "",
                          HeaderList extra = {});

// {"username","password"} plus `extra_members` (raw JSON, e.g. R"("session":true)").
std::string login_body(const std::string& username, const std::string& password,
                       const std::string& extra_members = "");
// POST /api/login, anonymously.
Response login(const std::string& username, const std::string& password,
               const std::string& extra_members = "");
// Logs `user` in (with a browser session when `session`); throws unless 200.
Tokens login_ok(const CreatedUser& user, bool session = false);
// POST /api/token/refresh {"refresh_token"}, anonymously.
Response refresh(const std::string& refresh_token);

// The tokens of a 200 token response (members left empty when absent).
Tokens tokens_of(const Response& r);

// One Set-Cookie header: name, value and attributes with lower-cased names
// (flags such as Secure map to "").
struct SetCookie {
  std::string name;
  std::string value;
  std::map<std::string, std::string> attributes;
};
// The Set-Cookie header for cookie `name`, if the response has exactly one.
std::optional<SetCookie> find_set_cookie(const Response& r, const std::string& name);
constexpr const char* kSessionCookie = "__Host-session";

// 200 with exactly access_token, token_type "Bearer", expires_in 900 and
// refresh_token (plus csrf_token and a Set-Cookie of the session when
// `with_session`), all non-empty.
testing::AssertionResult IsTokenPair(const Response& r, bool with_session = false);

// A user of the test's own, logged in with its own tokens.
struct Account {
  CreatedUser user;
  Tokens tokens;
};
// Registers a fresh user named after `prefix` and logs it in.
Account create_account(const std::string& prefix = "u", bool session = false);

}  // namespace itest
