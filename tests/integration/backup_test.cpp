// Backup and restore round trip with the operator tool: `crudctl backup`
// while users, sessions, refresh tokens and 2FA exist; then changes; then
// `crudctl restore` into a fresh database and over the live one. The rows
// come back exactly, the running service serves them at once (its user
// cache forgets what it held), and people log in with their old passwords
// and recovery codes. Runs serially: it puts the shared database back in time.
#include <gtest/gtest.h>

#include <cstdio>
#include <stdexcept>
#include <string>
#include <vector>

#include "support/admin.h"
#include "support/auth_client.h"
#include "support/http_client.h"
#include "support/json_checks.h"
#include "support/pg_session.h"
#include "support/stack_control.h"
#include "support/stack_env.h"
#include "support/test_data.h"
#include "support/two_factor.h"

namespace itest {
namespace {

// Everything a restore must bring back, table by table, in a fixed order.
// (The cache generation moves on by design; login throttling is short-lived.)
std::vector<std::vector<Row>> snapshot(PgSession& db) {
  const char* const queries[] = {
      "SELECT * FROM users ORDER BY id",
      "SELECT * FROM token_families ORDER BY id",
      "SELECT * FROM refresh_tokens ORDER BY 1",
      "SELECT * FROM browser_sessions ORDER BY 1",
      "SELECT * FROM recovery_codes ORDER BY 1, 2",
  };
  std::vector<std::vector<Row>> tables;
  for (const char* sql : queries) tables.push_back(db.query(sql));
  return tables;
}

// The stack's DATABASE_URL naming database `name` instead.
std::string url_of_database(const std::string& name) {
  const std::string url = stack_env().database_url;
  const auto start = url.find("@/");
  const auto end = url.find('?', start);
  if (start == std::string::npos || end == std::string::npos) {
    throw std::runtime_error("unexpected DATABASE_URL shape");
  }
  return url.substr(0, start + 2) + name + url.substr(end);
}

void crudctl_ok(const std::vector<std::string>& args, const std::string& url = "") {
  const auto run = run_crudctl(args, url);
  if (!run.exited_zero()) throw std::runtime_error("crudctl failed: " + run.describe());
}

TEST(Backup, RestoreBringsBackUsersSessionsAndTwoFactor) {
  shared_admin();  // exists in the backup, so it still can after the restore
  const auto guarded = enable_two_factor("BackupTotp");
  const auto kept = create_account("BackupKept", /*session=*/true);
  PgSession db;
  const auto before = snapshot(db);
  const std::string file = stack_env().stack_dir + "/backup-" + unique_suffix() + ".dump";
  crudctl_ok({"backup", file});

  // After the backup: a rename, a delete (the cache now holds a tombstone) and a newcomer.
  const std::string renamed = unique_username("BackupRenamed");
  ASSERT_EQ(request("PUT", "/api/users/" + std::to_string(guarded.account.user.id),
                    username_body(renamed))
                .status,
            200);
  const std::string kept_path = "/api/users/" + std::to_string(kept.user.id);
  ASSERT_EQ(request("DELETE", kept_path).status, 204);
  ASSERT_EQ(request("GET", kept_path).status, 404);
  const auto newcomer = create_user();

  {
    SCOPED_TRACE("into a fresh database");
    const std::string name = "crud_restore_" + unique_suffix();
    db.query("CREATE DATABASE " + name);
    bool same = false;
    try {
      crudctl_ok({"restore", file}, url_of_database(name));
      PgSession fresh(url_of_database(name));
      same = snapshot(fresh) == before;
    } catch (const std::exception& e) {
      ADD_FAILURE() << e.what();
    }
    db.query("DROP DATABASE " + name);
    EXPECT_TRUE(same) << "the fresh database differs from the backed-up rows";
  }

  crudctl_ok({"restore", file});
  EXPECT_TRUE(snapshot(db) == before) << "the live database differs from the backed-up rows";

  // The running service answers from the restored rows, not from its cache.
  const auto back = request("GET", kept_path);
  ASSERT_TRUE(IsJsonResponse(back, 200));
  EXPECT_EQ(string_member(parse_json(back.body), "username"), kept.user.username);
  const auto old_name = request("GET", "/api/users/" + std::to_string(guarded.account.user.id));
  ASSERT_TRUE(IsJsonResponse(old_name, 200));
  EXPECT_EQ(string_member(parse_json(old_name.body), "username"), guarded.account.user.username);
  EXPECT_EQ(request("GET", "/api/users/" + std::to_string(newcomer.id)).status, 404);

  // Old passwords work; 2FA is still on and its recovery codes with it.
  EXPECT_TRUE(IsTokenPair(login(kept.user.username, kept.user.password)));
  EXPECT_TRUE(IsApiError(login(guarded.account.user.username, guarded.account.user.password), 401,
                         "totp_required"));
  EXPECT_TRUE(IsTokenPair(login_with_code(guarded.account.user, guarded.recovery_codes.front())));
  std::remove(file.c_str());
}

}  // namespace
}  // namespace itest
