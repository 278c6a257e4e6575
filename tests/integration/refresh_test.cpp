// Refresh tokens: single use with rotation (POST /api/token/refresh), a
// 10-second grace for a client retrying, theft detection that revokes the
// whole family when a spent token comes back later, and logout ending a
// token's family.
#include <gtest/gtest.h>

#include <chrono>
#include <string>
#include <thread>

#include "support/auth_client.h"
#include "support/http_client.h"
#include "support/json_checks.h"
#include "support/param_name.h"
#include "support/test_data.h"

namespace itest {
namespace {

Response get_me(const std::string& access_token) {
  return request("GET", "/api/me", std::nullopt, bearer(access_token));
}

TEST(Refresh, ReturnsANewPairThatWorks) {
  const auto account = create_account("Refresh");
  const auto r = refresh(account.tokens.refresh_token);
  ASSERT_TRUE(IsTokenPair(r));
  const auto next = tokens_of(r);
  EXPECT_NE(next.refresh_token, account.tokens.refresh_token);
  EXPECT_NE(next.access_token, account.tokens.access_token);
  const auto me = get_me(next.access_token);
  ASSERT_TRUE(IsJsonResponse(me, 200));
  EXPECT_EQ(int64_member(parse_json(me.body), "user_id"), account.user.id);
  // The new refresh token is itself good for one more round.
  EXPECT_TRUE(IsTokenPair(refresh(next.refresh_token)));
}

// A client whose response got lost retries with the same token.
TEST(Refresh, SpentTokenAgainWithinGraceIs200) {
  const auto account = create_account("Grace");
  const auto first = refresh(account.tokens.refresh_token);
  ASSERT_TRUE(IsTokenPair(first));
  const auto retry = refresh(account.tokens.refresh_token);
  ASSERT_TRUE(IsTokenPair(retry));
  // The retry's pair works, and so does the first one's: nothing was revoked.
  EXPECT_TRUE(IsJsonResponse(get_me(tokens_of(retry).access_token), 200));
  EXPECT_TRUE(IsTokenPair(refresh(tokens_of(first).refresh_token)));
}

// The one test of the suite that waits out the 10-second grace.
TEST(Refresh, SpentTokenAfterGraceRevokesTheWholeFamily) {
  const auto account = create_account("Theft");
  const auto spent = account.tokens.refresh_token;
  const auto second = refresh(spent);
  ASSERT_TRUE(IsTokenPair(second));
  const auto newest = refresh(tokens_of(second).refresh_token);
  ASSERT_TRUE(IsTokenPair(newest));

  std::this_thread::sleep_for(std::chrono::seconds(11));
  EXPECT_TRUE(IsApiError(refresh(spent), 401, "invalid_refresh_token"));
  // Whoever held the family's newest token is cut off too.
  EXPECT_TRUE(IsApiError(refresh(tokens_of(newest).refresh_token), 401, "invalid_refresh_token"));
  // Another login of the same user is another family and keeps working.
  EXPECT_TRUE(IsTokenPair(refresh(login_ok(account.user).refresh_token)));
}

TEST(Refresh, FamiliesAreIndependent) {
  const auto user = create_user();
  const auto a = login_ok(user);
  const auto b = login_ok(user);
  ASSERT_TRUE(IsTokenPair(refresh(a.refresh_token)));
  EXPECT_TRUE(IsTokenPair(refresh(b.refresh_token)));
}

struct BadRefresh {
  const char* reason;
  std::string body;
  int status;
  const char* code;
};

const BadRefresh kBadRefreshes[] = {
    {"unknown_token", R"({"refresh_token":"bm90LWEtcmVhbC10b2tlbg"})", 401,
     "invalid_refresh_token"},
    {"empty_token", R"({"refresh_token":""})", 401, "invalid_refresh_token"},
    {"access_token_shape", R"({"refresh_token":"a.b.c"})", 401, "invalid_refresh_token"},
    {"missing_token", "{}", 400, "missing_field"},
    {"token_number", R"({"refresh_token":42})", 400, "invalid_type"},
    {"unknown_field", R"({"refresh_token":"x","user":1})", 400, "unknown_field"},
};

class RefreshRejects : public testing::TestWithParam<BadRefresh> {};

TEST_P(RefreshRejects, ReturnsErrorEnvelope) {
  const auto& row = GetParam();
  const auto r = request("POST", "/api/token/refresh", row.body, anonymous());
  EXPECT_TRUE(IsApiError(r, row.status, row.code)) << row.reason;
}

INSTANTIATE_TEST_SUITE_P(Bodies, RefreshRejects, testing::ValuesIn(kBadRefreshes), ReasonName());

TEST(Refresh, AccessTokenIsNotARefreshToken) {
  const auto account = create_account("Swap");
  EXPECT_TRUE(IsApiError(refresh(account.tokens.access_token), 401, "invalid_refresh_token"));
}

Response logout(const std::optional<std::string>& body, const HeaderList& headers = anonymous()) {
  return request("POST", "/api/logout", body, headers);
}

// 204, empty, and the session cookie cleared (Max-Age=0).
testing::AssertionResult IsLogoutResponse(const Response& r) {
  if (r.status != 204 || !r.body.empty()) {
    return testing::AssertionFailure() << "want 204 without a body\n" << r.describe();
  }
  const auto cookie = find_set_cookie(r, kSessionCookie);
  if (!cookie || !cookie->value.empty() || cookie->attributes.count("max-age") == 0 ||
      cookie->attributes.at("max-age") != "0" || cookie->attributes.count("path") == 0 ||
      cookie->attributes.at("path") != "/") {
    return testing::AssertionFailure()
           << "want Set-Cookie clearing " << kSessionCookie << " (empty, Path=/, Max-Age=0)\n"
           << r.describe();
  }
  return testing::AssertionSuccess();
}

TEST(Logout, WithRefreshTokenEndsIt) {
  const auto account = create_account("Logout");
  const auto r = logout("{\"refresh_token\":" + json_quote(account.tokens.refresh_token) + "}");
  EXPECT_TRUE(IsLogoutResponse(r));
  EXPECT_TRUE(HasCommonHeaders(r));
  EXPECT_TRUE(IsApiError(refresh(account.tokens.refresh_token), 401, "invalid_refresh_token"));
}

// Logging out ends the family, so tokens rotated from it die as well.
TEST(Logout, EndsTokensRotatedFromTheSameLogin) {
  const auto account = create_account("LogoutFam");
  const auto rotated = tokens_of(refresh(account.tokens.refresh_token));
  ASSERT_FALSE(rotated.refresh_token.empty());
  EXPECT_TRUE(
      IsLogoutResponse(logout("{\"refresh_token\":" + json_quote(rotated.refresh_token) + "}")));
  EXPECT_TRUE(IsApiError(refresh(rotated.refresh_token), 401, "invalid_refresh_token"));
}

// The retry grace must not bring a logged-out family back.
TEST(Logout, GraceDoesNotOutliveLogout) {
  const auto account = create_account("LogoutGrace");
  const auto rotated = tokens_of(refresh(account.tokens.refresh_token));
  ASSERT_FALSE(rotated.refresh_token.empty());
  ASSERT_TRUE(
      IsLogoutResponse(logout("{\"refresh_token\":" + json_quote(rotated.refresh_token) + "}")));
  EXPECT_TRUE(IsApiError(refresh(account.tokens.refresh_token), 401, "invalid_refresh_token"));
}

TEST(Logout, LeavesOtherLoginsAlone) {
  const auto user = create_user();
  const auto ended = login_ok(user);
  const auto kept = login_ok(user);
  ASSERT_TRUE(
      IsLogoutResponse(logout("{\"refresh_token\":" + json_quote(ended.refresh_token) + "}")));
  EXPECT_TRUE(IsTokenPair(refresh(kept.refresh_token)));
}

TEST(Logout, WithoutBodyIs204) { EXPECT_TRUE(IsLogoutResponse(logout(std::nullopt))); }

TEST(Logout, UnknownRefreshTokenIsStill204) {
  EXPECT_TRUE(IsLogoutResponse(logout(R"({"refresh_token":"bm90LWEtcmVhbC10b2tlbg"})")));
}

TEST(Logout, UnknownFieldIs400) {
  EXPECT_TRUE(IsApiError(logout(R"({"refresh_token":"x","all":true})"), 400, "unknown_field"));
}

}  // namespace
}  // namespace itest
