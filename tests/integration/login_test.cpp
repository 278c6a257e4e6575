// POST /api/login: a token pair for the right password (any letter case of
// the username), a browser session on request, one indistinguishable 401 for
// unknown users and wrong passwords, and the usual body rules.
#include <gtest/gtest.h>

#include <cctype>
#include <string>

#include "support/auth_client.h"
#include "support/http_client.h"
#include "support/json_checks.h"
#include "support/param_name.h"
#include "support/test_data.h"

namespace itest {
namespace {

std::string upper(std::string s) {
  for (auto& c : s) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return s;
}

// The body with its request_id blanked, to compare two error bodies.
std::string without_request_id(const Response& r) {
  auto doc = parse_json(r.body);
  const std::string id =
      string_member(doc.IsObject() && doc.HasMember("error") ? doc["error"] : doc, "request_id");
  std::string body = r.body;
  if (!id.empty()) {
    for (auto at = body.find(id); at != std::string::npos; at = body.find(id)) {
      body.replace(at, id.size(), "<id>");
    }
  }
  return body;
}

TEST(Login, ReturnsTokenPairThatAuthenticates) {
  const auto user = create_user();
  const auto r = login(user.username, user.password);
  ASSERT_TRUE(IsTokenPair(r));
  EXPECT_FALSE(find_set_cookie(r, kSessionCookie).has_value()) << "no session was asked for\n"
                                                               << r.describe();
  const auto me = request("GET", "/api/me", std::nullopt, bearer(tokens_of(r).access_token));
  ASSERT_TRUE(IsJsonResponse(me, 200));
  EXPECT_EQ(int64_member(parse_json(me.body), "user_id"), user.id);
}

TEST(Login, UsernameInAnyLetterCase) {
  const auto user = create_user(unique_username("CaseLogin"));
  EXPECT_TRUE(IsTokenPair(login(upper(user.username), user.password)));
}

TEST(Login, EveryLoginIssuesDifferentTokens) {
  const auto user = create_user();
  const auto a = tokens_of(login(user.username, user.password));
  const auto b = tokens_of(login(user.username, user.password));
  EXPECT_NE(a.access_token, b.access_token);
  EXPECT_NE(a.refresh_token, b.refresh_token);
}

TEST(Login, SessionSetsHostCookieAndCsrfToken) {
  const auto user = create_user();
  const auto r = login(user.username, user.password, R"("session":true)");
  ASSERT_TRUE(IsTokenPair(r, true));
  const auto cookie = find_set_cookie(r, kSessionCookie);
  ASSERT_TRUE(cookie.has_value()) << r.describe();
  EXPECT_FALSE(cookie->value.empty());
  const std::map<std::string, std::string> want = {{"path", "/"},
                                                   {"secure", ""},
                                                   {"httponly", ""},
                                                   {"samesite", "Strict"},
                                                   {"max-age", "43200"}};
  EXPECT_EQ(cookie->attributes, want) << r.describe();
  // A __Host- cookie must not name a Domain (RFC 6265bis).
  EXPECT_EQ(cookie->attributes.count("domain"), 0u);
}

TEST(Login, EverySessionLoginGetsANewCookie) {
  const auto user = create_user();
  const auto a = login_ok(user, true);
  const auto b = login_ok(user, true);
  ASSERT_FALSE(a.session.empty());
  ASSERT_FALSE(b.session.empty());
  EXPECT_NE(a.session, b.session);
  EXPECT_NE(a.csrf_token, b.csrf_token);
}

TEST(Login, SessionFalseSetsNoCookie) {
  const auto user = create_user();
  const auto r = login(user.username, user.password, R"("session":false)");
  ASSERT_TRUE(IsTokenPair(r));
  EXPECT_FALSE(find_set_cookie(r, kSessionCookie).has_value()) << r.describe();
}

// An attacker must not learn which usernames exist.
TEST(Login, WrongPasswordAndUnknownUserLookTheSame) {
  const auto user = create_user();
  const auto wrong = login(user.username, strong_password());
  const auto unknown = login(unique_username("nobody"), user.password);
  ASSERT_TRUE(IsApiError(wrong, 401, "invalid_credentials"));
  ASSERT_TRUE(IsApiError(unknown, 401, "invalid_credentials"));
  EXPECT_EQ(without_request_id(wrong), without_request_id(unknown));
  EXPECT_FALSE(find_set_cookie(wrong, kSessionCookie).has_value());
}

TEST(Login, EmptyPasswordIsInvalidCredentials) {
  const auto user = create_user();
  EXPECT_TRUE(IsApiError(login(user.username, ""), 401, "invalid_credentials"));
}

struct BadLogin {
  const char* reason;
  std::string body;
  int status;
  const char* code;
  Details details;  // checked exactly when not empty
};

const BadLogin kBadLogins[] = {
    {"unknown_field",
     R"({"username":"someone","password":"correct-horse-1","remember":true})",
     400,
     "unknown_field",
     {{"remember", "unknown"}}},
    {"missing_username",
     R"({"password":"correct-horse-1"})",
     400,
     "missing_field",
     {{"username", "missing"}}},
    {"missing_password",
     R"({"username":"someone"})",
     400,
     "missing_field",
     {{"password", "missing"}}},
    {"username_number",
     R"({"username":7,"password":"correct-horse-1"})",
     400,
     "invalid_type",
     {{"username", "must_be_string"}}},
    {"totp_number",
     R"({"username":"someone","password":"correct-horse-1","totp":123456})",
     400,
     "invalid_type",
     {}},
    {"session_string",
     R"({"username":"someone","password":"correct-horse-1","session":"yes"})",
     400,
     "invalid_type",
     {}},
    {"malformed_json", R"({"username":"someone",)", 400, "invalid_json", {}},
    {"array_body", R"(["someone","correct-horse-1"])", 400, "body_not_object", {}},
    {"empty_body", "", 400, "missing_body", {}},
};

class LoginRejects : public testing::TestWithParam<BadLogin> {};

TEST_P(LoginRejects, ReturnsErrorEnvelope) {
  const auto& row = GetParam();
  const auto r = request("POST", "/api/login", row.body, anonymous());
  EXPECT_TRUE(IsApiError(r, row.status, row.code)) << row.reason;
  if (!row.details.empty()) {
    EXPECT_TRUE(HasDetails(r, row.details)) << row.reason;
  }
}

INSTANTIATE_TEST_SUITE_P(Bodies, LoginRejects, testing::ValuesIn(kBadLogins), ReasonName());

TEST(Login, FormContentTypeIs415) {
  const auto user = create_user();
  const auto r =
      request("POST", "/api/login", "username=" + user.username + "&password=" + user.password,
              anonymous({{"Content-Type", "application/x-www-form-urlencoded"}}));
  EXPECT_TRUE(IsApiError(r, 415, "unsupported_media_type"));
}

TEST(Login, GetIs405) {
  const auto r = request("GET", "/api/login", std::nullopt, anonymous());
  EXPECT_TRUE(IsApiError(r, 405, "method_not_allowed"));
  EXPECT_EQ(r.header("Allow").value_or(""), "POST");
}

}  // namespace
}  // namespace itest
