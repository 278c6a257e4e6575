// Fifty CGI processes writing at once (SPEC: every endpoint runs as plain
// CGI over the embedded store, docs/cgi.md): registered only against Apache.
// Each answer is a success or the SPEC's 503 with Retry-After (the store's
// busy database, never "database is locked" or a 500); every success is in
// the database afterwards exactly once, and no refused write left anything.
#include <gtest/gtest.h>

#include <map>
#include <string>
#include <vector>

#include "support/auth_client.h"
#include "support/http_client.h"
#include "support/json_checks.h"
#include "support/race.h"
#include "support/test_data.h"

namespace itest {
namespace {

constexpr int kClients = 50;

std::string user_path(std::int64_t id) { return "/api/users/" + std::to_string(id); }

// A success, or a 503 that tells the client when to come back.
testing::AssertionResult IsStoredOrBusy(const Response& r, int success) {
  if (r.body.find("locked") != std::string::npos)
    return testing::AssertionFailure() << "the store's error reached the client\n" << r.describe();
  if (r.status == success) return testing::AssertionSuccess();
  if (auto error = IsApiErrorStatus(r, 503); !error) return error;
  if (!r.header("Retry-After"))
    return testing::AssertionFailure() << "503 without Retry-After\n" << r.describe();
  return testing::AssertionSuccess();
}

// How many times each username appears in the list after user id `after`.
std::map<std::string, int> usernames_listed_after(std::int64_t after) {
  std::map<std::string, int> seen;
  std::string next = "/api/users?limit=100&after=" + std::to_string(after);
  while (!next.empty()) {
    const auto r = request("GET", next);
    if (r.status != 200) {
      ADD_FAILURE() << r.describe();
      break;
    }
    const auto doc = parse_json(r.body);
    for (const auto& user : doc["users"].GetArray()) ++seen[string_member(user, "username")];
    next = doc["next"].IsString() ? doc["next"].GetString() : "";
  }
  return seen;
}

TEST(CgiWriteBurst, FiftyRegistrationsAtOnceAreEachStoredExactlyOnce) {
  // Everything registered from here on has a larger id.
  const std::int64_t before = create_user().id;
  std::vector<std::string> names;
  for (int i = 0; i < kClients; ++i) names.push_back(unique_username("burst"));
  const auto responses = race_all(kClients, [&](int i) {
    return request("POST", "/api/register", credentials_body(names[i], strong_password()),
                   anonymous());
  });

  const auto listed = usernames_listed_after(before);
  int stored = 0;
  for (int i = 0; i < kClients; ++i) {
    const auto& r = responses[i];
    EXPECT_TRUE(IsStoredOrBusy(r, 201));
    const auto times = listed.count(names[i]) ? listed.at(names[i]) : 0;
    if (r.status == 201) {
      ++stored;
      EXPECT_EQ(times, 1) << names[i] << " registered with 201";
      const auto id = int64_member(parse_json(r.body), "user_id");
      ASSERT_TRUE(id.has_value()) << r.describe();
      const auto read = request("GET", user_path(*id));
      EXPECT_EQ(read.status, 200) << read.describe();
      EXPECT_EQ(string_member(parse_json(read.body), "username"), names[i]);
    } else {
      EXPECT_EQ(times, 0) << names[i] << " was refused but stored";
    }
  }
  EXPECT_GT(stored, 0) << "no registration got through";
}

TEST(CgiWriteBurst, FiftyUpdatesAtOnceAreEachStored) {
  std::vector<Account> accounts;
  std::vector<std::string> renamed;
  for (int i = 0; i < kClients; ++i) {
    accounts.push_back(create_account("burstupd"));
    renamed.push_back(unique_username("renamed"));
  }
  const auto responses = race_all(kClients, [&](int i) {
    return request("PUT", user_path(accounts[i].user.id), username_body(renamed[i]),
                   bearer(accounts[i].tokens.access_token));
  });

  int stored = 0;
  for (int i = 0; i < kClients; ++i) {
    const auto& r = responses[i];
    EXPECT_TRUE(IsStoredOrBusy(r, 200));
    const auto read = request("GET", user_path(accounts[i].user.id));
    ASSERT_EQ(read.status, 200) << read.describe();
    const auto now = string_member(parse_json(read.body), "username");
    if (r.status == 200) ++stored;
    // A refused update leaves the old name.
    EXPECT_EQ(now, r.status == 200 ? renamed[i] : accounts[i].user.username);
  }
  EXPECT_GT(stored, 0) << "no update got through";
}

}  // namespace
}  // namespace itest
