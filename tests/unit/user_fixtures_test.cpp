// crudctl seed's fixture format: every bad entry refused with a reason that
// names it, good ones hashed or taken as is.
#include "crud/user_fixtures.h"

#include <gtest/gtest.h>
#include <sodium.h>

namespace crud {
namespace {

PasswordHasher cheap_hasher() {
  return PasswordHasher(crypto_pwhash_OPSLIMIT_MIN, crypto_pwhash_MEMLIMIT_MIN);
}

const char* const kHash = "$argon2id$v=19$m=65536,t=2,p=1$c2FsdA$aGFzaA";

struct RefusedRow {
  const char* reason;
  std::string json;
  const char* names;  // a part of the error message
};

class FixtureRefused : public testing::TestWithParam<RefusedRow> {};

TEST_P(FixtureRefused, WithAReason) {
  try {
    parse_user_fixtures(GetParam().json, cheap_hasher());
    FAIL() << "accepted " << GetParam().json;
  } catch (const FixtureError& e) {
    EXPECT_NE(std::string(e.what()).find(GetParam().names), std::string::npos) << e.what();
  }
}

INSTANTIATE_TEST_SUITE_P(
    Rows, FixtureRefused,
    testing::Values(
        RefusedRow{"malformed", "{", "JSON"}, RefusedRow{"not_an_object", "[]", "users"},
        RefusedRow{"extra_top_level_field", R"({"users":[],"x":1})", "users"},
        RefusedRow{"entry_not_object", R"({"users":[1]})", "users[0] must be an object"},
        RefusedRow{"unknown_field",
                   R"({"users":[{"username":"abc","password_hash":")" + std::string(kHash) +
                       R"(","id":3}]})",
                   "unknown field \"id\""},
        RefusedRow{"bad_username", R"({"users":[{"username":"a b","password":"long enough pw"}]})",
                   "users[0].username: invalid_characters"},
        RefusedRow{"short_password", R"({"users":[{"username":"abc","password":"short"}]})",
                   "users[0].password: too_short"},
        RefusedRow{"common_password", R"({"users":[{"username":"abc","password":"password123"}]})",
                   "too_common"},
        RefusedRow{"both_secrets",
                   R"({"users":[{"username":"abc","password":"long enough pw",)"
                   R"("password_hash":")" +
                       std::string(kHash) + R"("}]})",
                   "exactly one"},
        RefusedRow{"no_secret", R"({"users":[{"username":"abc"}]})", "exactly one"},
        RefusedRow{"not_argon2id", R"({"users":[{"username":"abc","password_hash":"$2b$10$x"}]})",
                   "argon2id"},
        RefusedRow{"bad_role",
                   R"({"users":[{"username":"abc","password":"long enough pw",)"
                   R"("role":"root"}]})",
                   "role"},
        RefusedRow{"name_twice_any_case",
                   R"({"users":[{"username":"abc","password":"long enough pw"},)"
                   R"({"username":"ABC","password":"long enough pw"}]})",
                   "users[1].username: taken"},
        RefusedRow{"wrong_type", R"({"users":[{"username":5,"password":"long enough pw"}]})",
                   "users[0].username must be a string"}),
    [](const testing::TestParamInfo<RefusedRow>& row) { return std::string(row.param.reason); });

TEST(Fixtures, HashesPasswordsAndKeepsHashes) {
  auto hasher = cheap_hasher();
  auto users = parse_user_fixtures(R"({"users":[{"username":"alice","password":"long enough pw",)"
                                   R"("role":"admin"},{"username":"bob","password_hash":")" +
                                       std::string(kHash) + R"("}]})",
                                   hasher);
  ASSERT_EQ(users.size(), 2u);
  EXPECT_EQ(users[0].username, "alice");
  EXPECT_EQ(users[0].role, "admin");
  EXPECT_TRUE(hasher.verify(users[0].password_hash, "long enough pw"));
  EXPECT_EQ(users[1].password_hash, kHash);
  EXPECT_EQ(users[1].role, "user");
}

}  // namespace
}  // namespace crud
