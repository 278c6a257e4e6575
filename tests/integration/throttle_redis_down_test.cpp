// Login throttling does not depend on Redis: with Redis stopped, 5 failures
// still lock the account (the counts fall back to PostgreSQL) and other
// accounts still log in. Runs serially because it stops the shared Redis;
// TearDown always starts it again.
#include <gtest/gtest.h>

#include <chrono>
#include <string>
#include <thread>
#include <vector>

#include "support/auth_client.h"
#include "support/http_client.h"
#include "support/json_checks.h"
#include "support/process.h"
#include "support/stack_env.h"
#include "support/test_data.h"
#include "support/throttle_checks.h"

namespace itest {
namespace {

// Runs `scripts/stack <command>` against the test stack.
ProcessResult stack(const std::string& command) {
  const auto& env = stack_env();
  return run_process({env.repo_dir + "/scripts/stack", command},
                     environment_with({{"STACK_DIR", env.stack_dir}}), "",
                     std::chrono::seconds(60));
}

class RedisDown : public testing::Test {
 protected:
  void SetUp() override {
    // Made while Redis runs, so only the throttling happens without it.
    locked_ = create_user(unique_username("NoRedisLock"));
    free_ = create_user(unique_username("NoRedisFree"));
    const auto stopped = stack("stop-redis");
    ASSERT_TRUE(stopped.exited_zero()) << stopped.describe();
  }
  void TearDown() override {
    const auto started = stack("start-redis");
    EXPECT_TRUE(started.exited_zero()) << started.describe();
    // Hand the next test a stack whose workers use Redis again.
    std::string status;
    for (int i = 0; i < 50 && status != "ready"; ++i) {
      if (i) std::this_thread::sleep_for(std::chrono::milliseconds(100));
      status = string_member(parse_json(request("GET", "/readyz", std::nullopt, anonymous()).body),
                             "status");
    }
    EXPECT_EQ(status, "ready");
  }
  CreatedUser locked_, free_;
};

TEST_F(RedisDown, FiveFailuresStillLockTheAccount) {
  fail_logins(locked_.username, 5);
  EXPECT_TRUE(IsLockedOut(login(locked_.username, locked_.password)));
  EXPECT_TRUE(IsTokenPair(login(free_.username, free_.password)));
}

TEST_F(RedisDown, UnknownUsernamesAreStillThrottled) {
  const std::string name = unique_username("NoRedisGhost");
  fail_logins(name, 5);
  EXPECT_TRUE(IsLockedOut(login(name, strong_password())));
}

TEST_F(RedisDown, SuccessStillResetsTheCount) {
  fail_logins(locked_.username, 4);
  ASSERT_TRUE(IsTokenPair(login(locked_.username, locked_.password)));
  fail_logins(locked_.username, 4);
  EXPECT_TRUE(IsTokenPair(login(locked_.username, locked_.password)));
}

}  // namespace
}  // namespace itest
