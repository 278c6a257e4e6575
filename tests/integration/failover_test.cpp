// Failover between an endpoint's two pools: with one pool killed outright
// (SIGKILL to its process group, as in a crash), nginx finds its socket
// refusing connections and sends the request to the other pool, so clients
// see no error. Reads may be retried after any failure; a POST only when no
// worker was reached, which is the case with a dead pool. Runs serially: it
// kills shared pools.
#include <gtest/gtest.h>

#include <chrono>
#include <functional>
#include <ostream>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "support/access_log.h"
#include "support/admin.h"
#include "support/auth_client.h"
#include "support/eventually.h"
#include "support/http_client.h"
#include "support/json_checks.h"
#include "support/param_name.h"
#include "support/stack_control.h"
#include "support/test_data.h"

namespace itest {
namespace {

struct FailoverRow {
  std::string reason;
  std::string pool;  // killed for the row
  int requests;
  // Paced so the run outlasts nginx's fail_timeout (2 s) and the dead pool
  // is tried (and failed over) more than once.
  std::chrono::milliseconds pause;
  std::function<Response(const CreatedUser&)> send;
  // The answer is the success the SPEC gives for it.
  std::function<testing::AssertionResult(const Response&, const CreatedUser&)> ok;
};

Response read_one(const CreatedUser& user) {
  return request("GET", "/api/users/" + std::to_string(user.id));
}
testing::AssertionResult is_the_user(const Response& r, const CreatedUser& user) {
  if (auto json = IsJsonResponse(r, 200); !json) return json;
  if (string_member(parse_json(r.body), "username") != user.username) {
    return testing::AssertionFailure() << "wrong user\n" << r.describe();
  }
  return testing::AssertionSuccess();
}

Response list_page(const CreatedUser&) { return request("GET", "/api/users?limit=5"); }
testing::AssertionResult is_a_page(const Response& r, const CreatedUser&) {
  return IsJsonResponse(r, 200);
}

Response register_one(const CreatedUser&) {
  return request("POST", "/api/register",
                 credentials_body(unique_username("failover"), strong_password()), anonymous());
}
testing::AssertionResult is_created(const Response& r, const CreatedUser&) {
  return IsJsonResponse(r, 201);
}

Response log_in(const CreatedUser& user) { return login(user.username, user.password); }
testing::AssertionResult is_token_pair(const Response& r, const CreatedUser&) {
  return IsTokenPair(r);
}

using std::chrono::milliseconds;
const FailoverRow kRows[] = {
    {"read_user_pool_1", "read_user.1", 200, milliseconds(15), read_one, is_the_user},
    {"read_user_pool_2", "read_user.2", 200, milliseconds(15), read_one, is_the_user},
    {"list_users_pool_1", "list_users.1", 200, milliseconds(15), list_page, is_a_page},
    {"list_users_pool_2", "list_users.2", 200, milliseconds(15), list_page, is_a_page},
    {"register_pool_1", "register.1", 30, milliseconds(100), register_one, is_created},
    {"register_pool_2", "register.2", 30, milliseconds(100), register_one, is_created},
    {"login_pool_1", "login.1", 30, milliseconds(100), log_in, is_token_pair},
    {"login_pool_2", "login.2", 30, milliseconds(100), log_in, is_token_pair},
};

// Failure messages name the row, not its bytes.
void PrintTo(const FailoverRow& row, std::ostream* os) { *os << row.reason; }

class Failover : public testing::TestWithParam<FailoverRow> {};

TEST_P(Failover, KilledPoolIsInvisibleToClients) {
  const auto& row = GetParam();
  // Everything the requests need exists before the pool dies.
  shared_admin();
  const auto user = create_user();

  std::set<std::string> request_ids;
  int failures = 0;
  {
    PoolRestorer restart_after(row.pool);
    kill_group(pool_group(row.pool));
    for (int i = 0; i < row.requests; ++i) {
      const auto r = row.send(user);
      request_ids.insert(r.header("X-Request-ID").value_or(""));
      const auto ok = row.ok(r, user);
      if (!ok && ++failures <= 3) {
        ADD_FAILURE() << "request " << i + 1 << " of " << row.requests << ": " << ok.message();
      }
      std::this_thread::sleep_for(row.pause);
    }
  }
  EXPECT_EQ(failures, 0) << "client-visible errors with " << row.pool << " dead";

  // Proof that the dead pool was in the rotation: nginx tried it first for
  // some request and then answered it from the other pool.
  const std::string dead = pool_address(row.pool);
  int failed_over = 0;
  for (const auto& [id, upstream] : upstreams_of(request_ids)) {
    if (upstream.rfind(dead + ", ", 0) == 0) ++failed_over;
  }
  EXPECT_GE(failed_over, 1) << "no logged request was retried away from " << dead;

  // start-pool brought it back (the restorer waited until nginx forgets the
  // failure): nginx sends the pool requests again, and it answers them.
  const bool serves_again = eventually(
      [&] {
        const auto r = row.send(user);
        const std::string id = r.header("X-Request-ID").value_or("");
        return row.ok(r, user) && upstreams_of({id})[id] == dead;
      },
      std::chrono::seconds(10));
  EXPECT_TRUE(serves_again) << row.pool << " did not serve again after start-pool";
}

INSTANTIATE_TEST_SUITE_P(Pools, Failover, testing::ValuesIn(kRows), ReasonName());

}  // namespace
}  // namespace itest
