// What stops working, at once, when a user changes password or is deleted:
// every access token issued before (401 invalid_token), every refresh token
// (401 invalid_refresh_token) and every browser session (401) — while the
// pair handed out by the change itself works.
#include <gtest/gtest.h>

#include <string>

#include "support/admin.h"
#include "support/auth_client.h"
#include "support/http_client.h"
#include "support/json_checks.h"
#include "support/test_data.h"

namespace itest {
namespace {

std::string user_path(std::int64_t id) { return "/api/users/" + std::to_string(id); }

Response me_with(const HeaderList& credentials) {
  return request("GET", "/api/me", std::nullopt, credentials);
}

// Checked right after the change returned: the SPEC allows at most 1 s, and
// a test that asks at once is the strictest reading of that.
void expect_all_revoked(const Tokens& bearer_login, const Tokens& session_login) {
  EXPECT_TRUE(IsApiError(me_with(bearer(bearer_login.access_token)), 401, "invalid_token"));
  EXPECT_TRUE(IsApiError(me_with(bearer(session_login.access_token)), 401, "invalid_token"));
  EXPECT_TRUE(IsApiErrorStatus(me_with(session_cookie(session_login.session)), 401));
  EXPECT_TRUE(IsApiError(refresh(bearer_login.refresh_token), 401, "invalid_refresh_token"));
  EXPECT_TRUE(IsApiError(refresh(session_login.refresh_token), 401, "invalid_refresh_token"));
}

TEST(Revocation, PasswordChangeEndsEveryEarlierTokenAndSession) {
  const auto user = create_user();
  const auto first = login_ok(user);
  const auto browser = login_ok(user, true);
  // A token from a refresh is "issued before" just the same.
  const auto rotated = tokens_of(refresh(first.refresh_token));
  ASSERT_FALSE(rotated.access_token.empty());

  const auto r = request("PUT", user_path(user.id) + "/password",
                         "{\"current_password\":" + json_quote(user.password) +
                             ",\"new_password\":" + json_quote(strong_password()) + "}",
                         bearer(first.access_token));
  ASSERT_TRUE(IsTokenPair(r));

  expect_all_revoked(rotated, browser);
  EXPECT_TRUE(IsApiError(me_with(bearer(first.access_token)), 401, "invalid_token"));

  const auto fresh = tokens_of(r);
  EXPECT_TRUE(IsJsonResponse(me_with(bearer(fresh.access_token)), 200));
  EXPECT_TRUE(IsTokenPair(refresh(fresh.refresh_token)));
}

// A token spent seconds before the change is inside the retry grace, yet
// the change must end it like every other.
TEST(Revocation, GraceDoesNotOutlivePasswordChange) {
  const auto user = create_user();
  const auto first = login_ok(user);
  const auto rotated = tokens_of(refresh(first.refresh_token));
  ASSERT_FALSE(rotated.access_token.empty());
  const auto r = request("PUT", user_path(user.id) + "/password",
                         "{\"current_password\":" + json_quote(user.password) +
                             ",\"new_password\":" + json_quote(strong_password()) + "}",
                         bearer(rotated.access_token));
  ASSERT_TRUE(IsTokenPair(r));
  EXPECT_TRUE(IsApiError(refresh(first.refresh_token), 401, "invalid_refresh_token"));
}

TEST(Revocation, AdminChangingThePasswordEndsTheUsersTokens) {
  const auto user = create_user();
  const auto first = login_ok(user);
  const auto browser = login_ok(user, true);
  const auto& admin = shared_admin();
  const auto r = request("PUT", user_path(user.id) + "/password",
                         "{\"current_password\":" + json_quote(admin.user.password) +
                             ",\"new_password\":" + json_quote(strong_password()) + "}",
                         bearer(admin.access_token));
  ASSERT_TRUE(IsTokenPair(r));
  expect_all_revoked(first, browser);
  // The admin's own tokens are not the user's: they keep working.
  EXPECT_TRUE(IsJsonResponse(me_with(bearer(admin.access_token)), 200));
}

TEST(Revocation, SelfDeleteEndsEveryTokenAndSession) {
  const auto user = create_user();
  const auto first = login_ok(user);
  const auto browser = login_ok(user, true);
  const auto r = request("DELETE", user_path(user.id), std::nullopt, bearer(first.access_token));
  ASSERT_EQ(r.status, 204) << r.describe();
  expect_all_revoked(first, browser);
}

TEST(Revocation, AdminDeleteEndsEveryTokenAndSession) {
  const auto user = create_user();
  const auto first = login_ok(user);
  const auto browser = login_ok(user, true);
  const auto r = request("DELETE", user_path(user.id));  // as the shared admin
  ASSERT_EQ(r.status, 204) << r.describe();
  expect_all_revoked(first, browser);
  EXPECT_TRUE(IsApiError(login(user.username, user.password), 401, "invalid_credentials"));
}

// A new user that happens to get the deleted user's name is someone else.
TEST(Revocation, DeletedUsersTokensDoNotPassToANewUserOfTheSameName) {
  const auto user = create_user(unique_username("Reborn"));
  const auto old = login_ok(user);
  ASSERT_EQ(request("DELETE", user_path(user.id)).status, 204);
  const auto again = create_user(user.username);
  EXPECT_TRUE(IsApiError(me_with(bearer(old.access_token)), 401, "invalid_token"));
  EXPECT_TRUE(IsApiError(refresh(old.refresh_token), 401, "invalid_refresh_token"));
  EXPECT_TRUE(IsTokenPair(login(again.username, again.password)));
}

}  // namespace
}  // namespace itest
