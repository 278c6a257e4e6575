// nginx's per-address rate limits at their production values: a flood of
// logins or registrations is cut off with the SPEC's JSON 429 and a
// Retry-After, while health checks (never limited) and the rest of the API
// (a separate, looser zone) keep answering. The fixture's limits are put back
// afterwards. Runs serially: it changes nginx's configuration.
#include <gtest/gtest.h>

#include <cctype>
#include <functional>
#include <ostream>
#include <string>
#include <vector>

#include "support/auth_client.h"
#include "support/eventually.h"
#include "support/http_client.h"
#include "support/json_checks.h"
#include "support/param_name.h"
#include "support/stack_control.h"
#include "support/test_data.h"

namespace itest {
namespace {

// 429 rate_limited with exactly one Retry-After of whole seconds >= 1.
testing::AssertionResult IsRateLimited(const Response& r) {
  if (auto error = IsApiError(r, 429, "rate_limited"); !error) return error;
  const auto values = r.header_values("Retry-After");
  const bool digits = values.size() == 1 && !values[0].empty() && values[0].size() <= 6 &&
                      values[0].find_first_not_of("0123456789") == std::string::npos;
  if (!digits || std::stoi(values[0]) < 1) {
    return testing::AssertionFailure() << "want one Retry-After of >= 1 s\n" << r.describe();
  }
  return testing::AssertionSuccess();
}

struct FloodRow {
  std::string reason;
  std::function<Response()> send;  // one request of the flood
  int allowed;                     // the status of an answer that was let through
};

// A fresh unknown name each time: the per-account login throttle stays out of it.
Response wrong_login() { return login(unique_username("flood"), strong_password()); }
Response fresh_registration() {
  return request("POST", "/api/register",
                 credentials_body(unique_username("flood"), strong_password()), anonymous());
}

const FloodRow kRows[] = {
    {"login", wrong_login, 401},
    {"register", fresh_registration, 201},
};

// Failure messages name the row, not its bytes.
void PrintTo(const FloodRow& row, std::ostream* os) { *os << row.reason; }

class RateLimit : public testing::TestWithParam<FloodRow> {};

TEST_P(RateLimit, AuthFloodGets429WhileHealthAndApiAnswer) {
  const auto& row = GetParam();
  const auto account = create_account("limits");  // logged in before the limits tighten
  auto other_paths_answer = [&] {
    EXPECT_TRUE(IsJsonResponse(request("GET", "/healthz", std::nullopt, anonymous()), 200));
    EXPECT_TRUE(IsJsonResponse(
        request("GET", "/api/me", std::nullopt, bearer(account.tokens.access_token)), 200));
  };

  NginxSettings production(production_rate_limits());
  // The reload is asynchronous: flood again until the new limit shows.
  std::vector<Response> answers;
  int limited = 0;
  const bool cut_off = eventually([&] {
    for (int i = 0; i < 40; ++i) {
      answers.push_back(row.send());
      if (answers.back().status == 429) ++limited;
      if (i % 10 == 9) other_paths_answer();
    }
    return limited > 0;
  });
  EXPECT_TRUE(cut_off) << "no 429 in " << answers.size() << " requests";
  for (const auto& r : answers) {
    if (r.status == 429) {
      EXPECT_TRUE(IsRateLimited(r));
    } else {
      EXPECT_TRUE(IsJsonResponse(r, row.allowed));
    }
  }
  other_paths_answer();

  production.restore();
  // Back to the fixture's limits: a burst beyond production's passes again.
  const bool unlimited = eventually([&] {
    for (int i = 0; i < 15; ++i) {
      if (row.send().status == 429) return false;
    }
    return true;
  });
  EXPECT_TRUE(unlimited) << "the fixture's rate limits did not come back";
}

INSTANTIATE_TEST_SUITE_P(Auth, RateLimit, testing::ValuesIn(kRows), ReasonName());

}  // namespace
}  // namespace itest
