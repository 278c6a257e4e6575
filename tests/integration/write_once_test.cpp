// PUT and DELETE are never applied twice: nginx counts them idempotent and
// would resend them to the endpoint's other pool when a worker dies
// mid-request, so their locations must never retry. The test holds the
// user's row lock itself so that the write waits inside a worker, kills that
// worker's pool outright, and then checks that the client got a 502, that
// nothing was written, and that the client's own retry is applied once.
// Runs serially: it kills shared pools.
#include <gtest/gtest.h>

#include <chrono>
#include <future>
#include <optional>
#include <ostream>
#include <string>
#include <thread>

#include "support/access_log.h"
#include "support/admin.h"
#include "support/eventually.h"
#include "support/http_client.h"
#include "support/json_checks.h"
#include "support/param_name.h"
#include "support/pg_session.h"
#include "support/stack_control.h"
#include "support/test_data.h"

namespace itest {
namespace {

struct WriteRow {
  std::string reason;
  std::string endpoint;  // the handler, as named in pg_stat_activity
  std::string method;
  int success;  // status of the client's retry
};

const WriteRow kRows[] = {
    {"put_rename", "update_user", "PUT", 200},
    {"delete", "delete_user", "DELETE", 204},
};

// The pid of the `endpoint` worker whose statement waits for a row lock
// (its connection's application_name is "endpoint:pid"); nullopt after 4 s,
// well inside the workers' 5 s statement timeout.
std::optional<pid_t> lock_waiter(PgSession& db, const std::string& endpoint) {
  std::optional<pid_t> worker;
  eventually(
      [&] {
        const auto rows = db.query(
            "SELECT application_name FROM pg_stat_activity "
            "WHERE wait_event_type = 'Lock' AND split_part(application_name, ':', 1) = $1",
            {endpoint});
        if (rows.size() != 1) return false;
        worker = static_cast<pid_t>(std::stol(rows[0][0].substr(endpoint.size() + 1)));
        return true;
      },
      std::chrono::seconds(4));
  return worker;
}

// True once no connection of worker `pid` is left in PostgreSQL, so what
// the killed worker's statement did (or not) is final.
bool connection_gone(PgSession& db, const std::string& endpoint, pid_t pid) {
  return eventually(
      [&] {
        return db
            .query("SELECT 1 FROM pg_stat_activity WHERE application_name = $1",
                   {endpoint + ":" + std::to_string(pid)})
            .empty();
      },
      std::chrono::seconds(10));
}

// Failure messages name the row, not its bytes.
void PrintTo(const WriteRow& row, std::ostream* os) { *os << row.reason; }

class WriteOnce : public testing::TestWithParam<WriteRow> {};

TEST_P(WriteOnce, KilledWorkerMeans502AndNoWrite) {
  const auto& row = GetParam();
  shared_admin();  // logged in before the lock, so only the write itself waits
  const auto victim = create_user();
  const std::string id = std::to_string(victim.id);
  const std::string path = "/api/users/" + id;
  const std::string new_name = unique_username("once");
  const std::optional<std::string> body =
      row.method == "PUT" ? std::optional<std::string>(username_body(new_name)) : std::nullopt;

  PgSession db;
  const std::string select_user = "SELECT version, username FROM users WHERE id = $1";
  const auto before = db.query(select_user, {id});
  ASSERT_EQ(before.size(), 1u);
  const std::string etag_before = current_etag(victim.id);

  // `pending` outlives `locker`: on an early return the lock goes first, so
  // waiting for the request cannot hang.
  std::future<Response> pending;
  PgSession locker;
  locker.query("BEGIN");
  locker.query("SELECT id FROM users WHERE id = $1 FOR UPDATE", {id});
  pending = std::async(std::launch::async, [&] { return request(row.method, path, body); });

  const auto worker = lock_waiter(db, row.endpoint);
  ASSERT_TRUE(worker) << "no " << row.endpoint << " worker waits for the row lock";
  // The worker's parent is its pool's multiwatch, which leads the pool's process group.
  const pid_t group = parent_of(*worker);
  const std::string pool = pool_of_group(group);
  ASSERT_EQ(pool.rfind(row.endpoint + ".", 0), 0u)
      << "worker " << *worker << "'s parent " << group << " leads no " << row.endpoint << " pool";
  {
    PoolRestorer restart_after(pool);
    kill_group(group);
    locker.query("ROLLBACK");

    const auto first = pending.get();
    EXPECT_TRUE(IsApiError(first, 502, "bad_gateway"));
    // nginx tried the killed pool only, never the other one.
    const std::string id_sent = first.header("X-Request-ID").value_or("");
    EXPECT_EQ(upstreams_of({id_sent})[id_sent], pool_address(pool)) << "nginx resent the write";
    ASSERT_TRUE(connection_gone(db, row.endpoint, *worker))
        << "the killed worker's database session lingers";

    // Nothing was written: the killed worker's statement must die with it.
    const auto after = db.query(select_user, {id});
    ASSERT_EQ(after.size(), 1u) << "the user was deleted although the client got a 502";
    EXPECT_EQ(after[0], before[0]) << "version, username changed although the client got a 502";
    const auto read = request("GET", path);
    ASSERT_TRUE(IsJsonResponse(read, 200));
    EXPECT_EQ(read.header("ETag"), etag_before);
    EXPECT_EQ(string_member(parse_json(read.body), "username"), victim.username);
  }

  // The client's retry is applied exactly once.
  const auto retry = request(row.method, path, body);
  ASSERT_EQ(retry.status, row.success) << retry.describe();
  const auto now = db.query(select_user, {id});
  if (row.method == "PUT") {
    ASSERT_EQ(now.size(), 1u);
    EXPECT_EQ(std::stoll(now[0][0]), std::stoll(before[0][0]) + 1) << "version must rise by one";
    EXPECT_EQ(now[0][1], new_name);
    const auto read = request("GET", path);
    ASSERT_TRUE(IsJsonResponse(read, 200));
    EXPECT_EQ(read.header("ETag"), retry.header("ETag"));
    EXPECT_NE(read.header("ETag"), etag_before);
  } else {
    EXPECT_TRUE(now.empty());
    EXPECT_TRUE(IsApiError(request("GET", path), 404, "not_found"));
  }
}

INSTANTIATE_TEST_SUITE_P(Writes, WriteOnce, testing::ValuesIn(kRows), ReasonName());

}  // namespace
}  // namespace itest
