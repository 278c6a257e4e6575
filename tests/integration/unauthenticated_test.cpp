// Requests without any credentials: every protected endpoint answers 401
// unauthorized and changes nothing, and the 401 says how to authenticate.
#include <gtest/gtest.h>

#include <optional>
#include <string>

#include "support/auth_client.h"
#include "support/http_client.h"
#include "support/json_checks.h"
#include "support/param_name.h"
#include "support/test_data.h"

namespace itest {
namespace {

// Every protected endpoint, asked without any credentials.
struct Protected {
  const char* reason;
  const char* method;
  const char* path;  // "{id}" is an existing user's id
  const char* body;  // nullptr: none
};

const Protected kProtected[] = {
    {"read_user", "GET", "/api/users/{id}", nullptr},
    {"head_user", "HEAD", "/api/users/{id}", nullptr},
    {"list_users", "GET", "/api/users", nullptr},
    {"me", "GET", "/api/me", nullptr},
    {"update_user", "PUT", "/api/users/{id}", R"({"username":"someone_else"})"},
    {"delete_user", "DELETE", "/api/users/{id}", nullptr},
    {"change_password", "PUT", "/api/users/{id}/password",
     R"({"current_password":"correct-horse-1","new_password":"correct-horse-2"})"},
    {"totp_enrol", "POST", "/api/me/totp", nullptr},
    {"totp_verify", "POST", "/api/me/totp/verify", R"({"code":"123456"})"},
    {"totp_disable", "DELETE", "/api/me/totp", R"({"code":"123456"})"},
};

class NoCredentials : public testing::TestWithParam<Protected> {};

TEST_P(NoCredentials, Is401UnauthorizedAndChangesNothing) {
  const auto& row = GetParam();
  const auto user = create_user();
  std::string path = row.path;
  if (const auto at = path.find("{id}"); at != std::string::npos) {
    path.replace(at, 4, std::to_string(user.id));
  }
  const auto body = row.body ? std::optional<std::string>(row.body) : std::nullopt;
  const auto r = request(row.method, path, body, anonymous());
  if (std::string(row.method) == "HEAD") {
    EXPECT_EQ(r.status, 401) << r.describe();
  } else {
    EXPECT_TRUE(IsApiError(r, 401, "unauthorized")) << row.reason;
  }
  // The user is still there, unchanged, and still logs in with its password.
  const auto read = request("GET", "/api/users/" + std::to_string(user.id));
  ASSERT_TRUE(IsJsonResponse(read, 200));
  EXPECT_EQ(string_member(parse_json(read.body), "username"), user.username);
  EXPECT_TRUE(IsTokenPair(login(user.username, user.password)));
}

INSTANTIATE_TEST_SUITE_P(Endpoints, NoCredentials, testing::ValuesIn(kProtected), ReasonName());

// SPEC is silent; RFC 9110 section 15.5.2 and RFC 6750 section 3 say a 401
// from a protected resource MUST carry a Bearer challenge.
TEST(Unauthenticated, Answer401CarriesBearerChallenge) {
  const auto user = create_user();
  for (const auto& r :
       {request("GET", "/api/me", std::nullopt, anonymous()),
        request("GET", "/api/me", std::nullopt, {{"Authorization", "Bearer garbage"}}),
        request("GET", "/api/users/" + std::to_string(user.id), std::nullopt, anonymous())}) {
    ASSERT_EQ(r.status, 401) << r.describe();
    const auto challenge = r.header("WWW-Authenticate");
    ASSERT_TRUE(challenge.has_value()) << r.describe();
    EXPECT_EQ(challenge->rfind("Bearer", 0), 0u) << r.describe();
  }
}

}  // namespace
}  // namespace itest
