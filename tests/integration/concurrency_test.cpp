// Many clients at once on one resource (SPEC: unique usernames in any case,
// If-Match, deletes): the database settles each conflict, exactly one
// client wins, the others get the SPEC's error, and nothing is left behind.
#include <gtest/gtest.h>

#include <cctype>
#include <map>
#include <string>
#include <vector>

#include "support/auth_client.h"
#include "support/http_client.h"
#include "support/json_checks.h"
#include "support/pg_session.h"
#include "support/race.h"
#include "support/test_data.h"

namespace itest {
namespace {

std::string user_path(std::int64_t id) { return "/api/users/" + std::to_string(id); }

// `name` with the case of each letter taken from the bits of `variant`.
std::string in_case(const std::string& name, int variant) {
  std::string out = name;
  for (std::size_t i = 0; i < out.size(); ++i) {
    const auto c = static_cast<unsigned char>(out[i]);
    out[i] = static_cast<char>(((variant >> (i % 16)) & 1) ? std::toupper(c) : std::tolower(c));
  }
  return out;
}

// How many responses had each status, for the failure messages.
std::map<int, int> statuses(const std::vector<Response>& responses) {
  std::map<int, int> count;
  for (const auto& r : responses) ++count[r.status];
  return count;
}

std::string describe(const std::map<int, int>& count) {
  std::string out;
  for (const auto& [status, n] : count)
    out += std::to_string(status) + " x" + std::to_string(n) + " ";
  return out;
}

TEST(Concurrency, HundredClientsRegisteringOneNameInAnyCaseOneWins) {
  const std::string name = unique_username("Same");
  const auto responses = race_all(100, [&](int i) {
    return request("POST", "/api/register", credentials_body(in_case(name, i), strong_password()),
                   anonymous());
  });
  const auto count = statuses(responses);
  EXPECT_EQ(count.count(201) ? count.at(201) : 0, 1) << describe(count);
  EXPECT_EQ(count.count(409) ? count.at(409) : 0, 99) << describe(count);
  for (const auto& r : responses) {
    if (r.status != 201) {
      EXPECT_TRUE(IsApiError(r, 409, "username_taken"));
    }
  }
  PgSession db;
  EXPECT_EQ(db.query("SELECT count(*) FROM users WHERE lower(username) = lower($1)", {name})[0][0],
            "1");
}

TEST(Concurrency, FiftyPutsWithOneETagOneWins) {
  const auto user = create_user(unique_username("Etag"));
  const auto first = request("GET", user_path(user.id));
  ASSERT_EQ(first.status, 200) << first.describe();
  const std::string etag = first.header("ETag").value_or("");
  std::vector<std::string> names;
  for (int i = 0; i < 50; ++i) names.push_back(unique_username("Put" + std::to_string(i)));
  const auto responses = race_all(50, [&](int i) {
    return request("PUT", user_path(user.id), username_body(names[static_cast<std::size_t>(i)]),
                   {{"If-Match", etag}});
  });
  const auto count = statuses(responses);
  ASSERT_EQ(count.count(200) ? count.at(200) : 0, 1) << describe(count);
  EXPECT_EQ(count.count(412) ? count.at(412) : 0, 49) << describe(count);
  std::string winner;
  for (std::size_t i = 0; i < responses.size(); ++i) {
    if (responses[i].status == 200)
      winner = names[i];
    else
      EXPECT_TRUE(IsApiError(responses[i], 412, "precondition_failed"));
  }
  const auto after = request("GET", user_path(user.id));
  EXPECT_EQ(string_member(parse_json(after.body), "username"), winner) << after.describe();
}

// A delete racing a rename and a token refresh of the same user (who also
// holds a browser session): the user
// stays deleted (no write brings the row back), the rename either happened
// before (200) or finds nothing (404), and no session or token survives.
TEST(Concurrency, DeleteRacingUpdateLeavesNoUserAndNoSessions) {
  PgSession db;
  for (int round = 0; round < 10; ++round) {
    const auto account = create_account("Doomed", true);
    const std::int64_t id = account.user.id;
    const auto responses = race_all(3, [&](int i) {
      if (i == 0) return request("DELETE", user_path(id));
      if (i == 1) return request("PUT", user_path(id), username_body(unique_username("Late")));
      return refresh(account.tokens.refresh_token);
    });
    ASSERT_EQ(responses[0].status, 204) << "round " << round << "\n" << responses[0].describe();
    EXPECT_TRUE(responses[1].status == 200 || IsApiError(responses[1], 404, "not_found"))
        << "round " << round << "\n"
        << responses[1].describe();
    EXPECT_EQ(request("GET", user_path(id)).status, 404) << "round " << round;
    const std::string key = std::to_string(id);
    EXPECT_EQ(db.query("SELECT count(*) FROM users WHERE id = $1", {key})[0][0], "0");
    for (const char* table : {"token_families", "browser_sessions", "recovery_codes"}) {
      EXPECT_EQ(db.query(std::string("SELECT count(*) FROM ") + table + " WHERE user_id = $1",
                         {key})[0][0],
                "0")
          << table << ", round " << round;
    }
    // Whatever the refresh got, its tokens no longer work.
    if (responses[2].status == 200) {
      const auto access = string_member(parse_json(responses[2].body), "access_token");
      EXPECT_EQ(request("GET", "/api/me", std::nullopt, bearer(access)).status, 401);
    }
  }
}

}  // namespace
}  // namespace itest
