// Secrets at rest: refresh tokens, session ids and recovery codes are stored
// hashed, TOTP secrets encrypted, passwords as argon2id hashes. Checked
// without knowing the schema: a data-only pg_dump of the whole database must
// not contain any of them as the client saw them.
#include <gtest/gtest.h>

#include <stdexcept>
#include <string>
#include <vector>

#include "support/auth_client.h"
#include "support/http_client.h"
#include "support/json_checks.h"
#include "support/process.h"
#include "support/stack_env.h"
#include "support/test_data.h"
#include "support/totp_codes.h"

namespace itest {
namespace {

std::string dump_database() {
  const auto run = run_process(
      {"/usr/bin/pg_dump", "--data-only", "--no-owner", "--dbname=" + stack_env().database_url},
      environment_with({}), "", std::chrono::seconds(60));
  if (!run.exited_zero()) throw std::runtime_error("pg_dump failed\n" + run.describe());
  return run.out;
}

TEST(Storage, NoSecretIsStoredAsTheClientSawIt) {
  const auto account = create_account("AtRest", true);
  const auto& tokens = account.tokens;
  const auto enrolled = request("POST", "/api/me/totp", std::nullopt, bearer(tokens.access_token));
  const std::string secret = string_member(parse_json(enrolled.body), "secret");
  ASSERT_FALSE(secret.empty()) << enrolled.describe();
  const auto verified = request("POST", "/api/me/totp/verify",
                                "{\"code\":" + json_quote(totp_code_at(secret, unix_now())) + "}",
                                bearer(tokens.access_token));
  ASSERT_TRUE(IsJsonResponse(verified, 200));
  const auto codes = parse_json(verified.body);
  ASSERT_TRUE(codes.IsObject() && codes.HasMember("recovery_codes") &&
              codes["recovery_codes"].IsArray());

  const std::string dump = dump_database();
  // The dump does hold this user, so an absent secret means "not stored as is".
  ASSERT_NE(dump.find(account.user.username), std::string::npos);
  std::vector<std::pair<std::string, std::string>> secrets = {
      {"password", account.user.password},
      {"refresh_token", tokens.refresh_token},
      {"session_id", tokens.session},
      {"csrf_token", tokens.csrf_token},
      {"totp_secret", secret},
      {"access_token", tokens.access_token},
  };
  for (const auto& code : codes["recovery_codes"].GetArray()) {
    secrets.emplace_back("recovery_code", code.GetString());
  }
  for (const auto& [what, value] : secrets) {
    ASSERT_FALSE(value.empty()) << what;
    EXPECT_EQ(dump.find(value), std::string::npos) << what << " is stored in clear";
  }
}

}  // namespace
}  // namespace itest
