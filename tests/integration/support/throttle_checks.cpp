// Login-throttling helpers (see throttle_checks.h).
#include "support/throttle_checks.h"

#include <cctype>

#include "support/auth_client.h"
#include "support/json_checks.h"
#include "support/test_data.h"

namespace itest {

void fail_logins(const std::string& username, int count) {
  for (int i = 0; i < count; ++i) {
    EXPECT_TRUE(IsApiError(login(username, strong_password()), 401, "invalid_credentials"))
        << "failed login " << i + 1 << " of " << count << " for " << username;
  }
}

testing::AssertionResult IsLockedOut(const Response& r) {
  if (auto error = IsApiError(r, 429, "too_many_login_attempts"); !error) return error;
  const auto values = r.header_values("Retry-After");
  if (values.size() != 1 || values[0].empty() || values[0].size() > 3) {
    return testing::AssertionFailure() << "want one Retry-After of 1..900 s\n" << r.describe();
  }
  for (const char c : values[0]) {
    if (!std::isdigit(static_cast<unsigned char>(c))) {
      return testing::AssertionFailure() << "Retry-After is not delay-seconds\n" << r.describe();
    }
  }
  const int seconds = std::stoi(values[0]);
  if (seconds < 1 || seconds > 900) {
    return testing::AssertionFailure() << "Retry-After outside 1..900\n" << r.describe();
  }
  return testing::AssertionSuccess();
}

}  // namespace itest
