// A handler on the embedded store, as plain CGI with no Redis (the shared
// hosting case): it registers and refuses a name taken in another letter
// case, throttles failed logins in the database, reports the store in
// /readyz, and a write that finds the SQLite file
// locked past the busy timeout answers 503 database_unavailable with
// Retry-After, stores nothing, and logs no error about the missing Redis.
#include <gtest/gtest.h>
#include <sqlite3.h>

#include <chrono>
#include <string>
#include <vector>

#include "support/fresh_database.h"
#include "support/process.h"
#include "support/stack_env.h"

namespace itest {
namespace {

const auto kTimeout = std::chrono::seconds(20);

class SqliteCgi : public testing::Test {
 protected:
  void SetUp() override {
    auto migrated = run_process({stack_env().crudctl, "migrate"},
                                {"DATABASE_URL=" + db_.url(), "PATH=/usr/bin:/bin"}, "", kTimeout);
    ASSERT_TRUE(migrated.exited_zero()) << migrated.describe();
  }

  // Runs handler `name` once as CGI; the body is JSON when given.
  ProcessResult cgi(const std::string& name, const std::string& method, const std::string& uri,
                    const std::string& body = "", const std::string& busy_ms = "5000") {
    const auto& stack = stack_env();
    std::vector<std::string> env = {"GATEWAY_INTERFACE=CGI/1.1",
                                    "REQUEST_METHOD=" + method,
                                    "REQUEST_URI=" + uri,
                                    "DATABASE_URL=" + db_.url(),
                                    "SQLITE_BUSY_TIMEOUT_MS=" + busy_ms,
                                    "JWT_KEYS=" + stack.jwt_keys,
                                    "SESSION_SECRET=" + stack.session_secret,
                                    "TOTP_ENCRYPTION_KEY=" + stack.totp_encryption_key,
                                    "PASSWORD_OPSLIMIT=1",
                                    "PASSWORD_MEMLIMIT=8192"};
    if (!body.empty()) {
      env.push_back("CONTENT_TYPE=application/json");
      env.push_back("CONTENT_LENGTH=" + std::to_string(body.size()));
    }
    return run_process({stack.handler_dir + "/" + name}, env, body, kTimeout);
  }

  static std::string registration(const std::string& name) {
    return R"({"username":")" + name + R"(","password":"a long passphrase"})";
  }

  FreshDatabase db_{Backend::sqlite};
};

bool contains(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

TEST_F(SqliteCgi, RegistersAndRefusesTheNameInAnotherCase) {
  auto created = cgi("register", "POST", "/api/register", registration("Shared_Host"));
  ASSERT_TRUE(created.exited_zero()) << created.describe();
  EXPECT_TRUE(contains(created.out, "Status: 201")) << created.describe();
  EXPECT_TRUE(contains(created.out, "Location: /api/users/1")) << created.describe();

  auto taken = cgi("register", "POST", "/api/register", registration("shared_HOST"));
  EXPECT_TRUE(contains(taken.out, "Status: 409")) << taken.describe();
  EXPECT_TRUE(contains(taken.out, R"("code":"username_taken")")) << taken.describe();
  // Redis is not configured: no warning or error about it (or anything).
  const std::string logs = created.err + taken.err;
  EXPECT_FALSE(contains(logs, R"("level":"warn")") || contains(logs, R"("level":"error")")) << logs;
}

TEST_F(SqliteCgi, ReadyzNamesTheStoreAndRedisOff) {
  auto ready = cgi("health", "GET", "/readyz");
  EXPECT_TRUE(contains(ready.out, "Status: 200")) << ready.describe();
  EXPECT_TRUE(contains(ready.out, R"("database":"sqlite","sqlite":"up")")) << ready.describe();
  EXPECT_TRUE(contains(ready.out, R"("redis":"off")")) << ready.describe();
}

TEST_F(SqliteCgi, LockedPastTheBusyTimeoutIs503WithRetryAfter) {
  sqlite3* other = nullptr;
  ASSERT_EQ(sqlite3_open(db_.sqlite_file().c_str(), &other), SQLITE_OK);
  ASSERT_EQ(sqlite3_exec(other, "BEGIN IMMEDIATE", nullptr, nullptr, nullptr), SQLITE_OK);
  auto busy = cgi("register", "POST", "/api/register", registration("waiting"), "200");
  sqlite3_exec(other, "ROLLBACK", nullptr, nullptr, nullptr);

  EXPECT_TRUE(contains(busy.out, "Status: 503")) << busy.describe();
  EXPECT_TRUE(contains(busy.out, "Retry-After: 1")) << busy.describe();
  EXPECT_TRUE(contains(busy.out, R"("code":"database_unavailable")")) << busy.describe();
  EXPECT_FALSE(contains(busy.out, "database is locked")) << "internal detail in the body";

  sqlite3_stmt* count = nullptr;
  ASSERT_EQ(sqlite3_prepare_v2(other, "SELECT count(*) FROM users", -1, &count, nullptr),
            SQLITE_OK);
  ASSERT_EQ(sqlite3_step(count), SQLITE_ROW);
  EXPECT_EQ(sqlite3_column_int(count, 0), 0) << "the refused write was stored";
  sqlite3_finalize(count);
  sqlite3_close(other);

  // Once the lock is gone the same request goes through.
  auto retried = cgi("register", "POST", "/api/register", registration("waiting"));
  EXPECT_TRUE(contains(retried.out, "Status: 201")) << retried.describe();
}

TEST_F(SqliteCgi, FailedLoginsAreThrottledInTheDatabase) {
  ASSERT_TRUE(contains(cgi("register", "POST", "/api/register", registration("guessed")).out,
                       "Status: 201"));
  const std::string wrong = R"({"username":"guessed","password":"not the passphrase"})";
  for (int i = 0; i < 5; ++i) {
    auto refused = cgi("login", "POST", "/api/login", wrong);
    EXPECT_TRUE(contains(refused.out, "Status: 401")) << refused.describe();
  }
  // Locked out now, even with the right password; no Redis needed for it.
  auto locked = cgi("login", "POST", "/api/login", registration("guessed"));
  EXPECT_TRUE(contains(locked.out, "Status: 429")) << locked.describe();
  EXPECT_TRUE(contains(locked.out, R"("code":"too_many_login_attempts")")) << locked.describe();
  EXPECT_TRUE(contains(locked.out, "Retry-After: ")) << locked.describe();
}

}  // namespace
}  // namespace itest
