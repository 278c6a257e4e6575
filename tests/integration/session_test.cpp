// Browser sessions: the __Host-session cookie alone authenticates reads; a
// cookie-authenticated write must carry the X-CSRF-Token handed out at login
// (403 csrf_failed otherwise); logging out ends the session.
#include <gtest/gtest.h>

#include <string>

#include "support/auth_client.h"
#include "support/http_client.h"
#include "support/json_checks.h"
#include "support/param_name.h"
#include "support/test_data.h"

namespace itest {
namespace {

std::string user_path(std::int64_t id) { return "/api/users/" + std::to_string(id); }

TEST(Session, CookieAloneAuthenticatesReads) {
  const auto account = create_account("Cookie", true);
  ASSERT_FALSE(account.tokens.session.empty());
  const auto me = request("GET", "/api/me", std::nullopt, session_cookie(account.tokens.session));
  ASSERT_TRUE(IsJsonResponse(me, 200));
  EXPECT_EQ(int64_member(parse_json(me.body), "user_id"), account.user.id);
  const auto read = request("GET", user_path(account.user.id), std::nullopt,
                            session_cookie(account.tokens.session));
  EXPECT_TRUE(IsJsonResponse(read, 200));
  const auto list =
      request("GET", "/api/users?limit=1", std::nullopt, session_cookie(account.tokens.session));
  EXPECT_TRUE(IsJsonResponse(list, 200));
}

// Browsers send every cookie of the site in one header.
TEST(Session, CookieAmongOthersAuthenticates) {
  const auto account = create_account("Cookies", true);
  const auto r = request("GET", "/api/me", std::nullopt,
                         {{"Cookie", "theme=dark; " + std::string(kSessionCookie) + "=" +
                                         account.tokens.session + "; lang=en"}});
  ASSERT_TRUE(IsJsonResponse(r, 200));
  EXPECT_EQ(int64_member(parse_json(r.body), "user_id"), account.user.id);
}

TEST(Session, UnknownCookieIs401) {
  const auto r = request("GET", "/api/me", std::nullopt,
                         session_cookie("bm90LWEtcmVhbC1zZXNzaW9uLWlkLWF0LWFsbC0xMjM0"));
  EXPECT_TRUE(IsApiErrorStatus(r, 401));
}

// Which X-CSRF-Token a cookie-authenticated write carries, and the outcome.
struct CsrfCase {
  const char* reason;
  enum Token { none, wrong, other_session, own } token;
  bool allowed;
};

const CsrfCase kCsrfCases[] = {
    {"no_header", CsrfCase::none, false},
    {"wrong_token", CsrfCase::wrong, false},
    {"token_of_another_session", CsrfCase::other_session, false},
    {"own_token", CsrfCase::own, true},
};

class CookieWrite : public testing::TestWithParam<CsrfCase> {
 protected:
  // The cookie (and the CSRF header the row asks for) of a fresh session.
  HeaderList headers_for(const Account& account) {
    const auto& tokens = account.tokens;
    switch (GetParam().token) {
      case CsrfCase::none:
        return session_cookie(tokens.session);
      case CsrfCase::wrong:
        return session_cookie(tokens.session, "bm90LXRoZS1jc3JmLXRva2Vu");
      case CsrfCase::other_session:
        return session_cookie(tokens.session, login_ok(account.user, true).csrf_token);
      case CsrfCase::own:
        return session_cookie(tokens.session, tokens.csrf_token);
    }
    return {};
  }
};

TEST_P(CookieWrite, UpdateNeedsCsrfToken) {
  const auto account = create_account("CsrfPut", true);
  const std::string new_name = unique_username("CsrfNew");
  const auto r =
      request("PUT", user_path(account.user.id), username_body(new_name), headers_for(account));
  const auto after = request("GET", user_path(account.user.id));
  if (GetParam().allowed) {
    EXPECT_TRUE(IsJsonResponse(r, 200));
    EXPECT_EQ(string_member(parse_json(after.body), "username"), new_name);
  } else {
    EXPECT_TRUE(IsApiError(r, 403, "csrf_failed")) << GetParam().reason;
    EXPECT_EQ(string_member(parse_json(after.body), "username"), account.user.username);
  }
}

TEST_P(CookieWrite, DeleteNeedsCsrfToken) {
  const auto account = create_account("CsrfDel", true);
  const auto r = request("DELETE", user_path(account.user.id), std::nullopt, headers_for(account));
  const auto after = request("GET", user_path(account.user.id));
  if (GetParam().allowed) {
    EXPECT_EQ(r.status, 204) << r.describe();
    EXPECT_TRUE(IsApiError(after, 404, "not_found"));
  } else {
    EXPECT_TRUE(IsApiError(r, 403, "csrf_failed")) << GetParam().reason;
    EXPECT_TRUE(IsJsonResponse(after, 200));
  }
}

TEST_P(CookieWrite, PasswordChangeNeedsCsrfToken) {
  const auto account = create_account("CsrfPw", true);
  const std::string next = strong_password();
  const auto r = request("PUT", user_path(account.user.id) + "/password",
                         "{\"current_password\":" + json_quote(account.user.password) +
                             ",\"new_password\":" + json_quote(next) + "}",
                         headers_for(account));
  if (GetParam().allowed) {
    EXPECT_TRUE(IsTokenPair(r, true));
    EXPECT_TRUE(IsTokenPair(login(account.user.username, next)));
  } else {
    EXPECT_TRUE(IsApiError(r, 403, "csrf_failed")) << GetParam().reason;
    EXPECT_TRUE(IsTokenPair(login(account.user.username, account.user.password)));
  }
}

INSTANTIATE_TEST_SUITE_P(Tokens, CookieWrite, testing::ValuesIn(kCsrfCases), ReasonName());

// A Bearer token is not sent by browsers on their own, so it needs no CSRF token.
TEST(Session, BearerWriteNeedsNoCsrfToken) {
  const auto account = create_account("BearerPut");
  const auto r =
      request("PUT", user_path(account.user.id), username_body(unique_username("BearerNew")),
              bearer(account.tokens.access_token));
  EXPECT_TRUE(IsJsonResponse(r, 200));
}

TEST(Session, LogoutWithCookieNeedsCsrfToken) {
  const auto account = create_account("CsrfOut", true);
  const auto& tokens = account.tokens;
  const auto refused = request("POST", "/api/logout", std::nullopt, session_cookie(tokens.session));
  EXPECT_TRUE(IsApiError(refused, 403, "csrf_failed"));
  // Refused means nothing ended.
  EXPECT_TRUE(
      IsJsonResponse(request("GET", "/api/me", std::nullopt, session_cookie(tokens.session)), 200));

  const auto r = request("POST", "/api/logout", std::nullopt,
                         session_cookie(tokens.session, tokens.csrf_token));
  EXPECT_EQ(r.status, 204) << r.describe();
  const auto cleared = find_set_cookie(r, kSessionCookie);
  ASSERT_TRUE(cleared.has_value()) << r.describe();
  EXPECT_EQ(cleared->value, "");
  EXPECT_EQ(cleared->attributes.count("max-age") ? cleared->attributes.at("max-age") : "", "0");

  const auto after = request("GET", "/api/me", std::nullopt, session_cookie(tokens.session));
  EXPECT_TRUE(IsApiErrorStatus(after, 401));
}

// A refused write leaves no partial state (SPEC: writes are all or nothing),
// so the refresh token named in the refused logout still works.
TEST(Session, RefusedLogoutEndsNothing) {
  const auto account = create_account("OutRefused", true);
  const auto& tokens = account.tokens;
  const auto r =
      request("POST", "/api/logout", "{\"refresh_token\":" + json_quote(tokens.refresh_token) + "}",
              session_cookie(tokens.session));
  EXPECT_TRUE(IsApiError(r, 403, "csrf_failed"));
  EXPECT_TRUE(IsTokenPair(refresh(tokens.refresh_token)));
  EXPECT_TRUE(
      IsJsonResponse(request("GET", "/api/me", std::nullopt, session_cookie(tokens.session)), 200));
}

// Turning on 2FA changes state too: a cookie alone may not start it.
TEST(Session, TotpEnrolByCookieNeedsCsrfToken) {
  const auto account = create_account("CsrfTotp", true);
  const auto& tokens = account.tokens;
  const auto refused =
      request("POST", "/api/me/totp", std::nullopt, session_cookie(tokens.session));
  EXPECT_TRUE(IsApiError(refused, 403, "csrf_failed"));
  const auto ok = request("POST", "/api/me/totp", std::nullopt,
                          session_cookie(tokens.session, tokens.csrf_token));
  EXPECT_TRUE(IsJsonResponse(ok, 200));
}

// One body ends both: the cookie session and the refresh token's family.
TEST(Session, LogoutWithCookieAndRefreshTokenEndsBoth) {
  const auto account = create_account("OutBoth", true);
  const auto& tokens = account.tokens;
  const auto r =
      request("POST", "/api/logout", "{\"refresh_token\":" + json_quote(tokens.refresh_token) + "}",
              session_cookie(tokens.session, tokens.csrf_token));
  EXPECT_EQ(r.status, 204) << r.describe();
  EXPECT_TRUE(IsApiErrorStatus(
      request("GET", "/api/me", std::nullopt, session_cookie(tokens.session)), 401));
  EXPECT_TRUE(IsApiError(refresh(tokens.refresh_token), 401, "invalid_refresh_token"));
}

TEST(Session, LogoutEndsOnlyThatSession) {
  const auto user = create_user();
  const auto ended = login_ok(user, true);
  const auto kept = login_ok(user, true);
  const auto r =
      request("POST", "/api/logout", std::nullopt, session_cookie(ended.session, ended.csrf_token));
  ASSERT_EQ(r.status, 204) << r.describe();
  EXPECT_TRUE(
      IsJsonResponse(request("GET", "/api/me", std::nullopt, session_cookie(kept.session)), 200));
}

}  // namespace
}  // namespace itest
