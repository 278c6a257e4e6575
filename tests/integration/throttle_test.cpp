// Failed logins are throttled per account: the 6th try after 5 failures is
// 429 too_many_login_attempts with Retry-After, even with the right password;
// a success resets the count; unknown names are throttled alike; other
// accounts are never affected. Every test locks only accounts it made.
#include <gtest/gtest.h>

#include <cctype>
#include <string>

#include "support/auth_client.h"
#include "support/http_client.h"
#include "support/json_checks.h"
#include "support/test_data.h"
#include "support/throttle_checks.h"

namespace itest {
namespace {

TEST(Throttle, FiveFailuresLockTheAccount) {
  const auto user = create_user(unique_username("Locked"));
  fail_logins(user.username, 5);
  const auto r = login(user.username, user.password);
  EXPECT_TRUE(IsLockedOut(r));
}

TEST(Throttle, LockIsPerAccount) {
  const auto locked = create_user(unique_username("Locked"));
  const auto other = create_user(unique_username("Free"));
  fail_logins(locked.username, 5);
  ASSERT_TRUE(IsLockedOut(login(locked.username, locked.password)));
  EXPECT_TRUE(IsTokenPair(login(other.username, other.password)));
}

// "Alice" and "ALICE" are one account, so they share one count.
TEST(Throttle, LetterCaseDoesNotDodgeTheCount) {
  const auto user = create_user(unique_username("Cased"));
  std::string upper = user.username, lower = user.username;
  for (auto& c : upper) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  for (auto& c : lower) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  fail_logins(upper, 3);
  fail_logins(lower, 2);
  EXPECT_TRUE(IsLockedOut(login(user.username, user.password)));
}

TEST(Throttle, SuccessResetsTheCount) {
  const auto user = create_user(unique_username("Reset"));
  fail_logins(user.username, 4);
  ASSERT_TRUE(IsTokenPair(login(user.username, user.password)));
  fail_logins(user.username, 4);
  EXPECT_TRUE(IsTokenPair(login(user.username, user.password)));
}

TEST(Throttle, FourFailuresDoNotLock) {
  const auto user = create_user(unique_username("Four"));
  fail_logins(user.username, 4);
  EXPECT_TRUE(IsTokenPair(login(user.username, user.password)));
}

// Otherwise the 429 would tell an attacker which names exist.
TEST(Throttle, UnknownUsernamesAreThrottledAlike) {
  const std::string name = unique_username("Ghost");
  fail_logins(name, 5);
  EXPECT_TRUE(IsLockedOut(login(name, strong_password())));
}

}  // namespace
}  // namespace itest
