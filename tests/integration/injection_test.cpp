// SQL metacharacters in every field the auth endpoints pass to the database
// (username, password, refresh_token, totp, code): each is just text, so the
// answer is the normal 4xx, never a 5xx, never a match by wildcard, and the
// users table works afterwards.
#include <gtest/gtest.h>

#include <string>

#include "support/auth_client.h"
#include "support/http_client.h"
#include "support/json_checks.h"
#include "support/param_name.h"
#include "support/test_data.h"
#include "support/totp_codes.h"

namespace itest {
namespace {

struct Nasty {
  const char* reason;
  const char* text;
};

const Nasty kNasty[] = {
    {"or_always_true", "' OR 1=1 --"},
    {"or_always_true_double_quote", "\" OR \"1\"=\"1"},
    {"drop_table", "\"; DROP TABLE users; --"},
    {"drop_table_single_quote", "'; DROP TABLE users; --"},
    {"backslash", "\\"},
    {"backslash_quote", "\\'"},
    {"percent", "%"},
    {"underscore", "_"},
    {"union_select", "' UNION SELECT id, username FROM users --"},
    {"control_characters", "a\x01'\x7f"},
};

class Injection : public testing::TestWithParam<Nasty> {
 protected:
  std::string text() const { return GetParam().text; }
};

TEST_P(Injection, RegisterUsernameIs422) {
  const auto r =
      request("POST", "/api/register", credentials_body(text(), strong_password()), anonymous());
  EXPECT_TRUE(IsApiError(r, 422, "validation_failed")) << GetParam().reason;
}

TEST_P(Injection, LoginUsernameIs401) {
  // Suffixed so no two runs or rows share a throttle count.
  const auto r = login(text() + unique_suffix(), strong_password());
  EXPECT_TRUE(IsApiError(r, 401, "invalid_credentials")) << GetParam().reason;
}

TEST_P(Injection, LoginPasswordIs401) {
  const auto user = create_user();
  EXPECT_TRUE(IsApiError(login(user.username, text()), 401, "invalid_credentials"))
      << GetParam().reason;
}

TEST_P(Injection, RefreshTokenIs401) {
  EXPECT_TRUE(IsApiError(refresh(text()), 401, "invalid_refresh_token")) << GetParam().reason;
  const auto out =
      request("POST", "/api/logout", "{\"refresh_token\":" + json_quote(text()) + "}", anonymous());
  EXPECT_EQ(out.status, 204) << out.describe();
}

TEST_P(Injection, TotpAndCodeFieldsAreRefused) {
  const auto account = create_account("Inj");
  const auto enrolled =
      request("POST", "/api/me/totp", std::nullopt, bearer(account.tokens.access_token));
  const std::string secret = string_member(parse_json(enrolled.body), "secret");
  ASSERT_FALSE(secret.empty()) << enrolled.describe();
  const std::string code_body = "{\"code\":" + json_quote(text()) + "}";
  const auto bad_verify =
      request("POST", "/api/me/totp/verify", code_body, bearer(account.tokens.access_token));
  EXPECT_TRUE(IsApiError(bad_verify, 422, "validation_failed")) << GetParam().reason;

  const auto verified = request("POST", "/api/me/totp/verify",
                                "{\"code\":" + json_quote(totp_code_at(secret, unix_now())) + "}",
                                bearer(account.tokens.access_token));
  ASSERT_TRUE(IsJsonResponse(verified, 200));
  const auto& user = account.user;
  EXPECT_TRUE(IsApiError(login(user.username, user.password, "\"totp\":" + json_quote(text())), 401,
                         "invalid_totp"))
      << GetParam().reason;
  const auto bad_disable =
      request("DELETE", "/api/me/totp", code_body, bearer(account.tokens.access_token));
  EXPECT_TRUE(IsApiError(bad_disable, 422, "validation_failed")) << GetParam().reason;
}

TEST_P(Injection, UsersTableStillWorksAfterwards) {
  // Every field at once, then the ordinary operations.
  EXPECT_LT(login(text(), text()).status, 500);
  EXPECT_LT(refresh(text()).status, 500);
  const auto user = create_user();
  const auto read = request("GET", "/api/users/" + std::to_string(user.id));
  ASSERT_TRUE(IsJsonResponse(read, 200));
  EXPECT_EQ(string_member(parse_json(read.body), "username"), user.username);
  EXPECT_TRUE(IsJsonResponse(request("GET", "/api/users?limit=1"), 200));
  EXPECT_TRUE(IsTokenPair(login(user.username, user.password)));
}

INSTANTIATE_TEST_SUITE_P(Texts, Injection, testing::ValuesIn(kNasty), ReasonName());

// LIKE wildcards in a username must not match a real user: the right
// password with a pattern for the name is still a wrong login.
TEST(Injection, WildcardUsernameMatchesNobody) {
  const auto user = create_user(unique_username("wild"));
  const std::string name = user.username;
  for (const std::string& pattern :
       {name.substr(0, name.size() - 1) + "_", name.substr(0, 4) + "%", std::string("%")}) {
    EXPECT_TRUE(IsApiError(login(pattern, user.password), 401, "invalid_credentials")) << pattern;
  }
  EXPECT_TRUE(IsTokenPair(login(user.username, user.password)));
}

}  // namespace
}  // namespace itest
