// Who may do what: any authenticated caller reads; update, delete and
// password change are for the user themself or an admin (403 forbidden for
// anyone else); the admin role comes only from `crudctl make-admin`.
#include <gtest/gtest.h>

#include <cctype>
#include <string>

#include "support/admin.h"
#include "support/auth_client.h"
#include "support/http_client.h"
#include "support/json_checks.h"
#include "support/param_name.h"
#include "support/test_data.h"

namespace itest {
namespace {

std::string user_path(std::int64_t id) { return "/api/users/" + std::to_string(id); }

std::string password_body(const std::string& current, const std::string& next) {
  return "{\"current_password\":" + json_quote(current) + ",\"new_password\":" + json_quote(next) +
         "}";
}

TEST(Authorization, AnyUserReadsOthers) {
  const auto reader = create_account("Reader");
  const auto other = create_user();
  const auto r =
      request("GET", user_path(other.id), std::nullopt, bearer(reader.tokens.access_token));
  ASSERT_TRUE(IsJsonResponse(r, 200));
  EXPECT_EQ(string_member(parse_json(r.body), "username"), other.username);
  EXPECT_TRUE(IsJsonResponse(
      request("GET", "/api/users?limit=5", std::nullopt, bearer(reader.tokens.access_token)), 200));
}

// A write on someone else's account, as a plain user.
struct ForeignWrite {
  const char* reason;
  const char* method;
  const char* suffix;  // after /api/users/{id}
  bool password_body;  // else a rename body (DELETE sends none)
};

const ForeignWrite kForeignWrites[] = {
    {"update", "PUT", "", false},
    {"delete", "DELETE", "", false},
    {"change_password", "PUT", "/password", true},
};

class OtherUser : public testing::TestWithParam<ForeignWrite> {};

TEST_P(OtherUser, Is403ForbiddenAndChangesNothing) {
  const auto& row = GetParam();
  const auto intruder = create_account("Intruder");
  const auto victim = create_user(unique_username("Victim"));
  std::optional<std::string> body;
  if (row.password_body) {
    // Even knowing the victim's password does not make it the intruder's account.
    body = password_body(victim.password, strong_password());
  } else if (std::string(row.method) == "PUT") {
    body = username_body(unique_username("Stolen"));
  }
  const auto r = request(row.method, user_path(victim.id) + row.suffix, body,
                         bearer(intruder.tokens.access_token));
  EXPECT_TRUE(IsApiError(r, 403, "forbidden")) << row.reason;

  const auto read = request("GET", user_path(victim.id));
  ASSERT_TRUE(IsJsonResponse(read, 200));
  EXPECT_EQ(string_member(parse_json(read.body), "username"), victim.username);
  EXPECT_TRUE(IsTokenPair(login(victim.username, victim.password)));
}

INSTANTIATE_TEST_SUITE_P(Writes, OtherUser, testing::ValuesIn(kForeignWrites), ReasonName());

TEST(Authorization, UserUpdatesAndDeletesThemself) {
  const auto self = create_account("Self");
  const std::string new_name = unique_username("SelfNew");
  const auto put = request("PUT", user_path(self.user.id), username_body(new_name),
                           bearer(self.tokens.access_token));
  ASSERT_TRUE(IsJsonResponse(put, 200));
  EXPECT_EQ(string_member(parse_json(request("GET", user_path(self.user.id)).body), "username"),
            new_name);
  const auto del =
      request("DELETE", user_path(self.user.id), std::nullopt, bearer(self.tokens.access_token));
  EXPECT_EQ(del.status, 204) << del.describe();
  EXPECT_TRUE(IsApiError(request("GET", user_path(self.user.id)), 404, "not_found"));
}

// A freshly promoted admin (not the suite's shared one) may touch anyone.
class AdminCaller : public testing::Test {
 protected:
  void SetUp() override {
    admin_ = create_user(unique_username("Boss"));
    make_admin(admin_.username);
    token_ = login_ok(admin_).access_token;
  }
  CreatedUser admin_;
  std::string token_;
};

TEST_F(AdminCaller, MeShowsAdminRole) {
  const auto r = request("GET", "/api/me", std::nullopt, bearer(token_));
  ASSERT_TRUE(IsJsonResponse(r, 200));
  EXPECT_EQ(string_member(parse_json(r.body), "role"), "admin");
}

TEST_F(AdminCaller, UpdatesAnotherUser) {
  const auto other = create_user();
  const std::string new_name = unique_username("ByAdmin");
  const auto r = request("PUT", user_path(other.id), username_body(new_name), bearer(token_));
  ASSERT_TRUE(IsJsonResponse(r, 200));
  EXPECT_EQ(string_member(parse_json(request("GET", user_path(other.id)).body), "username"),
            new_name);
}

TEST_F(AdminCaller, DeletesAnotherUser) {
  const auto other = create_user();
  const auto r = request("DELETE", user_path(other.id), std::nullopt, bearer(token_));
  EXPECT_EQ(r.status, 204) << r.describe();
  EXPECT_TRUE(IsApiError(request("GET", user_path(other.id)), 404, "not_found"));
}

// current_password is the caller's own: the admin proves who they are.
TEST_F(AdminCaller, ChangesAnotherUsersPasswordWithOwnPassword) {
  const auto other = create_user();
  const std::string next = strong_password();
  const auto r = request("PUT", user_path(other.id) + "/password",
                         password_body(admin_.password, next), bearer(token_));
  ASSERT_TRUE(IsTokenPair(r));
  EXPECT_TRUE(IsTokenPair(login(other.username, next)));
  EXPECT_TRUE(IsApiError(login(other.username, other.password), 401, "invalid_credentials"));
  // The pair handed back is the admin's own, still an admin's.
  const auto me = request("GET", "/api/me", std::nullopt, bearer(tokens_of(r).access_token));
  ASSERT_TRUE(IsJsonResponse(me, 200));
  EXPECT_EQ(int64_member(parse_json(me.body), "user_id"), admin_.id);
  EXPECT_EQ(string_member(parse_json(me.body), "role"), "admin");
}

TEST_F(AdminCaller, TargetsPasswordAsCurrentIsWrongPassword) {
  const auto other = create_user();
  const auto r = request("PUT", user_path(other.id) + "/password",
                         password_body(other.password, strong_password()), bearer(token_));
  EXPECT_TRUE(IsApiError(r, 403, "wrong_password"));
  EXPECT_TRUE(IsTokenPair(login(other.username, other.password)));
}

TEST_F(AdminCaller, UnknownUserIs404) {
  const auto r = request("PUT", "/api/users/9223372036854775807/password",
                         password_body(admin_.password, strong_password()), bearer(token_));
  EXPECT_TRUE(IsApiError(r, 404, "not_found"));
}

TEST(Authorization, MakeAdminTakesAnyLetterCase) {
  const auto user = create_user(unique_username("CaseBoss"));
  std::string shouted = user.username;
  for (auto& c : shouted) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  make_admin(shouted);
  const auto r = request("GET", "/api/me", std::nullopt, bearer(login_ok(user).access_token));
  EXPECT_EQ(string_member(parse_json(r.body), "role"), "admin") << r.describe();
}

// The role is never writable over the API.
TEST(Authorization, RoleInRegisterIsUnknownField) {
  const auto marker = create_user();
  const std::string name = unique_username("Climber");
  const std::string body = "{\"username\":" + json_quote(name) +
                           ",\"password\":" + json_quote(strong_password()) +
                           ",\"role\":\"admin\"}";
  const auto r = request("POST", "/api/register", body, anonymous());
  EXPECT_TRUE(IsApiError(r, 400, "unknown_field"));
  EXPECT_TRUE(HasDetails(r, {{"role", "unknown"}}));
  EXPECT_FALSE(find_in_list(marker.id - 1, name).has_value())
      << "a refused registration stored a user";
}

TEST(Authorization, RoleInUpdateIsUnknownField) {
  const auto self = create_account("Climber");
  const std::string body =
      "{\"username\":" + json_quote(self.user.username) + ",\"role\":\"admin\"}";
  const auto r = request("PUT", user_path(self.user.id), body, bearer(self.tokens.access_token));
  EXPECT_TRUE(IsApiError(r, 400, "unknown_field"));
  EXPECT_TRUE(HasDetails(r, {{"role", "unknown"}}));
  const auto me = request("GET", "/api/me", std::nullopt, bearer(login_ok(self.user).access_token));
  EXPECT_EQ(string_member(parse_json(me.body), "role"), "user") << me.describe();
}

}  // namespace
}  // namespace itest
