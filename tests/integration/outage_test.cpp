// What clients see while a part of the stack is down: nginx answers a dead
// pool with the SPEC's JSON 502, and Redis being away only degrades
// readiness. Runs serially because it takes shared parts away.
#include <gtest/gtest.h>

#include <chrono>
#include <string>
#include <thread>

#include "support/http_client.h"
#include "support/json_checks.h"
#include "support/process.h"
#include "support/stack_control.h"
#include "support/stack_env.h"
#include "support/test_data.h"

namespace itest {
namespace {

// Runs `scripts/stack <args...>` against the test stack.
void stack(const std::vector<std::string>& args) {
  const auto& env = stack_env();
  std::vector<std::string> argv = {env.repo_dir + "/scripts/stack"};
  argv.insert(argv.end(), args.begin(), args.end());
  const auto result = run_process(argv, environment_with({{"STACK_DIR", env.stack_dir}}), "",
                                  std::chrono::seconds(60));
  ASSERT_TRUE(result.exited_zero()) << result.describe();
}

TEST(Outage, DeadPoolIsAJson502AndComesBack) {
  const auto user = create_user();
  const std::string path = "/api/users/" + std::to_string(user.id);
  stack({"stop-pool", "read_user"});

  const auto down = request("GET", path);
  EXPECT_TRUE(IsApiError(down, 502, "bad_gateway"));
  // Other endpoints are separate pools and keep answering.
  EXPECT_TRUE(IsJsonResponse(request("GET", "/api/users?limit=1"), 200));

  stack({"start-pool", "read_user"});
  // Each nginx worker rests a failed pool for fail_timeout before trying it
  // again; wait that out so later tests find every worker using the pools.
  std::this_thread::sleep_for(nginx_forget_time());
  int status = 0;
  for (int i = 0; i < 50 && status != 200; ++i) {
    if (i) std::this_thread::sleep_for(std::chrono::milliseconds(100));
    status = request("GET", path).status;
  }
  EXPECT_EQ(status, 200);
}

TEST(Outage, RedisDownIsDegradedNotDown) {
  stack({"stop-redis"});
  const auto ready = request("GET", "/readyz");
  ASSERT_TRUE(IsJsonResponse(ready, 200));
  auto doc = parse_json(ready.body);
  EXPECT_EQ(string_member(doc, "status"), "degraded");
  EXPECT_EQ(string_member(doc, "redis"), "down");
  EXPECT_EQ(string_member(doc, "postgres"), "up");
  const auto user = create_user();  // the API keeps working from PostgreSQL
  EXPECT_TRUE(IsJsonResponse(request("GET", "/api/users/" + std::to_string(user.id)), 200));

  stack({"start-redis"});
  // Workers reconnect by themselves (pausing a second after a failed try).
  std::string status;
  for (int i = 0; i < 50 && status != "ready"; ++i) {
    if (i) std::this_thread::sleep_for(std::chrono::milliseconds(100));
    const auto back = request("GET", "/readyz");
    ASSERT_TRUE(IsJsonResponse(back, 200));
    status = string_member(parse_json(back.body), "status");
  }
  EXPECT_EQ(status, "ready");
}

// A pool whose workers are all dead (what a crash loop ends in once
// multiwatch gives up) is named by /readyz instead of going unnoticed.
TEST(Outage, DeadPoolShowsInReadiness) {
  {
    PoolRestorer restore("me.2");
    kill_group(pool_group("me.2"));
    const auto ready = request("GET", "/readyz");
    ASSERT_TRUE(IsJsonResponse(ready, 200));
    auto doc = parse_json(ready.body);
    EXPECT_EQ(string_member(doc, "status"), "degraded");
    ASSERT_TRUE(doc.HasMember("pools_down") && doc["pools_down"].IsArray());
    ASSERT_EQ(doc["pools_down"].Size(), 1u);
    EXPECT_STREQ(doc["pools_down"][0].GetString(), "me.2");
  }
  const auto back = request("GET", "/readyz");
  ASSERT_TRUE(IsJsonResponse(back, 200));
  EXPECT_EQ(string_member(parse_json(back.body), "status"), "ready");
}

}  // namespace
}  // namespace itest
