// PUT /api/users/{id}/password {"current_password","new_password"}: the
// caller proves their own password, the new one follows the registration
// rules (checked against the target's username), and the caller gets a fresh
// token pair. What stops working afterwards is in revocation_test.cpp.
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

std::string password_path(std::int64_t id) {
  return "/api/users/" + std::to_string(id) + "/password";
}

std::string password_body(const std::string& current, const std::string& next) {
  return "{\"current_password\":" + json_quote(current) + ",\"new_password\":" + json_quote(next) +
         "}";
}

std::string flip_case(std::string s) {
  for (auto& c : s) {
    const auto u = static_cast<unsigned char>(c);
    c = static_cast<char>(std::islower(u) ? std::toupper(u) : std::tolower(u));
  }
  return s;
}

TEST(PasswordChange, OwnPasswordReturnsAWorkingPair) {
  const auto account = create_account("PwOwn");
  const std::string next = strong_password();
  const auto r =
      request("PUT", password_path(account.user.id), password_body(account.user.password, next),
              bearer(account.tokens.access_token));
  ASSERT_TRUE(IsTokenPair(r));
  EXPECT_FALSE(find_set_cookie(r, kSessionCookie).has_value()) << "no session was in use\n"
                                                               << r.describe();
  const auto fresh = tokens_of(r);
  const auto me = request("GET", "/api/me", std::nullopt, bearer(fresh.access_token));
  ASSERT_TRUE(IsJsonResponse(me, 200));
  EXPECT_EQ(int64_member(parse_json(me.body), "user_id"), account.user.id);
  EXPECT_TRUE(IsTokenPair(refresh(fresh.refresh_token)));

  EXPECT_TRUE(IsTokenPair(login(account.user.username, next)));
  EXPECT_TRUE(
      IsApiError(login(account.user.username, account.user.password), 401, "invalid_credentials"));
}

TEST(PasswordChange, CookieCallerGetsANewSessionCookie) {
  const auto account = create_account("PwCookie", true);
  const auto& old = account.tokens;
  const auto r = request("PUT", password_path(account.user.id),
                         password_body(account.user.password, strong_password()),
                         session_cookie(old.session, old.csrf_token));
  ASSERT_TRUE(IsTokenPair(r, true));
  const auto fresh = tokens_of(r);
  ASSERT_FALSE(fresh.session.empty()) << r.describe();
  EXPECT_NE(fresh.session, old.session);
  const auto cookie = find_set_cookie(r, kSessionCookie);
  ASSERT_TRUE(cookie.has_value());
  EXPECT_EQ(cookie->attributes.count("httponly"), 1u) << r.describe();
  EXPECT_EQ(cookie->attributes.count("secure"), 1u) << r.describe();

  EXPECT_TRUE(
      IsApiErrorStatus(request("GET", "/api/me", std::nullopt, session_cookie(old.session)), 401));
  // The new cookie reads, and writes with the new CSRF token.
  EXPECT_TRUE(
      IsJsonResponse(request("GET", "/api/me", std::nullopt, session_cookie(fresh.session)), 200));
  const auto put = request("PUT", "/api/users/" + std::to_string(account.user.id),
                           username_body(unique_username("PwCookieNew")),
                           session_cookie(fresh.session, fresh.csrf_token));
  EXPECT_TRUE(IsJsonResponse(put, 200));
}

TEST(PasswordChange, WrongCurrentPasswordIs403AndChangesNothing) {
  const auto account = create_account("PwWrong");
  const auto r = request("PUT", password_path(account.user.id),
                         password_body(strong_password(), strong_password()),
                         bearer(account.tokens.access_token));
  EXPECT_TRUE(IsApiError(r, 403, "wrong_password"));
  // Nothing was revoked either.
  EXPECT_TRUE(IsJsonResponse(
      request("GET", "/api/me", std::nullopt, bearer(account.tokens.access_token)), 200));
  EXPECT_TRUE(IsTokenPair(login(account.user.username, account.user.password)));
}

// A new password that breaks a rule; `next` gets the target's username.
struct RejectedPassword {
  const char* reason;
  std::string (*next)(const std::string& username);
  const char* problem;
};

const RejectedPassword kRejected[] = {
    {"seven_characters", [](const std::string&) { return std::string("abcdefg"); }, "too_short"},
    {"129_characters", [](const std::string&) { return std::string(129, 'p'); }, "too_long"},
    {"equals_username", [](const std::string& u) { return u; }, "equals_username"},
    {"equals_username_other_case", [](const std::string& u) { return flip_case(u); },
     "equals_username"},
    {"common_password", [](const std::string&) { return std::string("password123"); },
     "too_common"},
    {"common_password_mixed_case", [](const std::string&) { return std::string("PassWord123"); },
     "too_common"},
    {"common_password_iloveyou1", [](const std::string&) { return std::string("iloveyou1"); },
     "too_common"},
};

class PasswordChangeRejects : public testing::TestWithParam<RejectedPassword> {};

TEST_P(PasswordChangeRejects, Is422AndChangesNothing) {
  const auto& row = GetParam();
  const auto account = create_account("PwRule");
  const auto r = request("PUT", password_path(account.user.id),
                         password_body(account.user.password, row.next(account.user.username)),
                         bearer(account.tokens.access_token));
  EXPECT_TRUE(IsApiError(r, 422, "validation_failed")) << row.reason;
  EXPECT_TRUE(HasDetails(r, {{"new_password", row.problem}})) << row.reason;
  EXPECT_TRUE(IsTokenPair(login(account.user.username, account.user.password)));
}

INSTANTIATE_TEST_SUITE_P(Rules, PasswordChangeRejects, testing::ValuesIn(kRejected), ReasonName());

// Limits count code points: 128 two-byte characters are allowed.
TEST(PasswordChange, Accepts128CodePoints) {
  const auto account = create_account("PwLong");
  std::string next;
  for (int i = 0; i < 128; ++i) next += "\xc3\xa9";  // é
  const auto r =
      request("PUT", password_path(account.user.id), password_body(account.user.password, next),
              bearer(account.tokens.access_token));
  ASSERT_TRUE(IsTokenPair(r));
  EXPECT_TRUE(IsTokenPair(login(account.user.username, next)));
}

struct BadBody {
  const char* reason;
  std::string body;
  const char* code;
};

const BadBody kBadBodies[] = {
    {"missing_new_password", R"({"current_password":"correct-horse-1"})", "missing_field"},
    {"missing_current_password", R"({"new_password":"correct-horse-1"})", "missing_field"},
    {"unknown_field", R"({"current_password":"a","new_password":"b","confirm":"b"})",
     "unknown_field"},
    {"new_password_number", R"({"current_password":"correct-horse-1","new_password":12345678})",
     "invalid_type"},
};

class PasswordChangeBody : public testing::TestWithParam<BadBody> {};

TEST_P(PasswordChangeBody, Is400) {
  const auto account = create_account("PwBody");
  const auto r = request("PUT", password_path(account.user.id), GetParam().body,
                         bearer(account.tokens.access_token));
  EXPECT_TRUE(IsApiError(r, 400, GetParam().code)) << GetParam().reason;
}

INSTANTIATE_TEST_SUITE_P(Bodies, PasswordChangeBody, testing::ValuesIn(kBadBodies), ReasonName());

TEST(PasswordChange, FormBodyIs415) {
  const auto account = create_account("PwForm");
  const auto r = request(
      "PUT", password_path(account.user.id), "current_password=x&new_password=y",
      bearer(account.tokens.access_token, {{"Content-Type", "application/x-www-form-urlencoded"}}));
  EXPECT_TRUE(IsApiError(r, 415, "unsupported_media_type"));
}

}  // namespace
}  // namespace itest
