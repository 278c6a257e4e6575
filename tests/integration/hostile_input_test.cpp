// The bad-input corpus: hundreds of hostile requests (invalid UTF-8, NUL
// bytes, overlong and deeply nested JSON, numbers out of range, duplicate
// keys, huge headers, path traversal, CR/LF smuggled into every field and
// header, SQL and HTML metacharacters, wrong content types and lengths), sent
// byte for byte over a raw socket. Each must get the SPEC's exact 4xx JSON
// error, never echo an injected header, and leave the database as it was:
// the target user's row, tokens and sessions, and no user made from the body.
#include <gtest/gtest.h>

#include <chrono>
#include <string>
#include <vector>

#include "support/auth_client.h"
#include "support/hostile_requests.h"
#include "support/json_checks.h"
#include "support/param_name.h"
#include "support/pg_session.h"
#include "support/raw_http.h"
#include "support/stack_env.h"
#include "support/test_data.h"

namespace itest {
namespace {

// Everything a hostile request could have changed for `id`: the user row
// (name, hash, role, versions, 2FA), its token families, live refresh
// tokens, browser sessions and recovery codes.
std::string snapshot_of(PgSession& pg, std::int64_t id) {
  const auto rows = pg.query(
      "SELECT u::text,"
      " (SELECT count(*) FROM token_families f WHERE f.user_id = u.id),"
      " (SELECT count(*) FROM refresh_tokens t JOIN token_families f ON f.id = t.family_id"
      "   WHERE f.user_id = u.id AND t.used_at IS NULL),"
      " (SELECT count(*) FROM browser_sessions s WHERE s.user_id = u.id),"
      " (SELECT count(*) FROM recovery_codes c WHERE c.user_id = u.id)"
      " FROM users u WHERE u.id = $1",
      {std::to_string(id)});
  std::string out;
  for (const auto& row : rows)
    for (const auto& value : row) out += value + "|";
  return out;
}

// Users whose name contains `marker` (every body names its user after the row's marker).
std::string users_named_like(PgSession& pg, const std::string& marker) {
  return pg.query("SELECT count(*) FROM users WHERE strpos(lower(username), $1) > 0",
                  {marker})[0][0];
}

class HostileInput : public testing::TestWithParam<Hostile> {
 protected:
  // One logged-in target (with a browser session) per test process.
  static void SetUpTestSuite() { target_ = new Account(create_account("Hostile", true)); }
  static void TearDownTestSuite() {
    delete target_;
    target_ = nullptr;
  }
  static inline Account* target_ = nullptr;
};

TEST_P(HostileInput, RefusedWithJsonErrorAndNoStateChange) {
  const auto& row = GetParam();
  PgSession pg;
  const std::string marker = unique_suffix();
  const std::string before = snapshot_of(pg, target_->user.id);
  ASSERT_FALSE(before.empty()) << "the target user is gone before the request";

  const auto r = raw_exchange(render_hostile(row, placeholders_for(*target_, marker)));

  EXPECT_TRUE(IsApiError(r, row.status, row.code)) << row.reason;
  EXPECT_TRUE(r.header_values(kInjectedHeader).empty()) << "an injected header came back\n"
                                                        << r.describe();
  EXPECT_EQ(snapshot_of(pg, target_->user.id), before) << "the target user changed";
  EXPECT_EQ(users_named_like(pg, marker), "0") << "a refused request stored a user";
}

INSTANTIATE_TEST_SUITE_P(Corpus, HostileInput, testing::ValuesIn(hostile_requests()), ReasonName());

// A client speaking plain HTTP to the TLS port gets the SPEC's 400, not nginx's page.
TEST(HostileCorpus, PlainHttpToTheHttpsPortIsJson400) {
  const auto r =
      raw_exchange("GET /api/users HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n",
                   std::chrono::seconds(10), stack_env().https_url);
  EXPECT_TRUE(IsApiError(r, 400, "bad_request"));
}

TEST(HostileCorpus, HasAtLeast200Requests) { EXPECT_GE(hostile_requests().size(), 200u); }

}  // namespace
}  // namespace itest
