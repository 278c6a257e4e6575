// Restarting PostgreSQL under running FastCGI workers: their connections die,
// and the very next request must reconnect (and re-prepare statements) by
// itself instead of failing or needing a worker restart. Runs serially because
// it takes the shared database away for a moment.
#include <gtest/gtest.h>

#include <string>

#include "support/http_client.h"
#include "support/json_checks.h"
#include "support/process.h"
#include "support/stack_env.h"
#include "support/test_data.h"

namespace itest {
namespace {

// `scripts/stack restart-postgres` blocks until PostgreSQL accepts connections.
ProcessResult restart_postgres() {
  const auto& env = stack_env();
  return run_process({env.repo_dir + "/scripts/stack", "restart-postgres"},
                     environment_with({{"STACK_DIR", env.stack_dir}}), "",
                     std::chrono::seconds(120));
}

TEST(PostgresRestart, WorkersRecoverOnTheNextRequest) {
  const auto user = create_user();
  const std::string path = "/api/users/" + std::to_string(user.id);
  // Every pool has used its connection (and prepared statements) before.
  ASSERT_EQ(request("GET", path).status, 200);

  for (int round = 1; round <= 2; ++round) {
    SCOPED_TRACE("restart " + std::to_string(round));
    const auto restart = restart_postgres();
    ASSERT_TRUE(restart.exited_zero()) << restart.describe();

    const auto read = request("GET", path);
    ASSERT_TRUE(IsJsonResponse(read, 200));
    EXPECT_EQ(string_member(parse_json(read.body), "username"), user.username);

    const auto created = request("POST", "/api/register",
                                 credentials_body(unique_username("Back"), strong_password()));
    EXPECT_TRUE(IsJsonResponse(created, 201));
  }
}

}  // namespace
}  // namespace itest
