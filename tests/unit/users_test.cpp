// The SPEC's username and password rules, ETags and If-Match parsing.
#include "crud/users.h"

#include <gtest/gtest.h>

#include <string>

using namespace crud;

// Test types stay local: another test file may define its own with the same name.
namespace {

static std::vector<std::string> problems_of(const std::vector<ErrorDetail>& details) {
  std::vector<std::string> out;
  for (const auto& d : details) out.push_back(d.field + ":" + d.problem);
  return out;
}

struct UsernameCase {
  std::string username;
  std::vector<std::string> problems;
  const char* reason;
};

TEST(UsernameRules, Table) {
  const UsernameCase cases[] = {
      {"bob", {}, "shortest allowed"},
      {std::string(32, 'a'), {}, "longest allowed"},
      {"A.b-c_9", {}, "every allowed character class"},
      {"ab", {"username:too_short"}, "two characters"},
      {"", {"username:too_short"}, "empty"},
      {std::string(33, 'a'), {"username:too_long"}, "33 characters"},
      {"bob smith", {"username:invalid_characters"}, "space"},
      {"<img src=x>", {"username:invalid_characters"}, "markup"},
      {"b\xc3\xb6"
       "b",
       {"username:invalid_characters"},
       "non-ASCII letter"},
      {"a'", {"username:invalid_characters", "username:too_short"}, "quote and too short"},
      {std::string("ab\0c", 4), {"username:invalid_characters"}, "NUL byte"},
  };
  for (const auto& c : cases)
    EXPECT_EQ(problems_of(username_problems(c.username)), c.problems) << c.reason;
}

struct PasswordCase {
  std::string password;
  std::string username;
  std::vector<std::string> problems;
  const char* reason;
};

TEST(PasswordRules, Table) {
  const std::string e_acute = "\xc3\xa9";
  std::string seven_accents, eight_accents;
  for (int i = 0; i < 7; ++i) seven_accents += e_acute;
  eight_accents = seven_accents + e_acute;
  const PasswordCase cases[] = {
      {"abcdefgh", "bob", {}, "eight characters"},
      {std::string(128, 'x'), "bob", {}, "128 characters"},
      {"abcdefg", "bob", {"password:too_short"}, "seven characters"},
      {std::string(129, 'x'), "bob", {"password:too_long"}, "129 characters, not truncated"},
      {seven_accents, "bob", {"password:too_short"}, "7 code points in 14 bytes"},
      {eight_accents, "bob", {}, "8 code points"},
      {"BobSmith", "bobsmith", {"password:equals_username"}, "username in another case"},
      {"bobsmith1", "bobsmith", {}, "merely contains the username"},
      {"PassWord123", "bob", {"password:too_common"}, "common password in another case"},
  };
  for (const auto& c : cases)
    EXPECT_EQ(problems_of(password_problems(c.password, c.username)), c.problems) << c.reason;
}

struct IfMatchCase {
  const char* header;
  bool any;
  std::vector<std::int64_t> versions;
  const char* reason;
};

TEST(IfMatch, Table) {
  const IfMatchCase cases[] = {
      {"\"v3\"", false, {3}, "one tag"},
      {"\"v3\", \"v7\"", false, {3, 7}, "a list"},
      {"*", true, {}, "any"},
      {"W/\"v3\"", false, {}, "weak tags never match"},
      {"\"3\"", false, {}, "foreign tag"},
      {"\"v\"", false, {}, "no number"},
      {"garbage", false, {}, "not a tag"},
  };
  for (const auto& c : cases) {
    IfMatch m = parse_if_match(c.header);
    EXPECT_EQ(m.any, c.any) << c.reason;
    EXPECT_EQ(m.versions, c.versions) << c.reason;
  }
}

TEST(IfNoneMatch, WeakComparison) {
  std::string etag = etag_for_version(4);
  EXPECT_EQ(etag, "\"v4\"");
  EXPECT_TRUE(if_none_match_hits("\"v4\"", etag));
  EXPECT_TRUE(if_none_match_hits("W/\"v4\"", etag));
  EXPECT_TRUE(if_none_match_hits("\"v1\", \"v4\"", etag));
  EXPECT_TRUE(if_none_match_hits("*", etag));
  EXPECT_FALSE(if_none_match_hits("\"v5\"", etag));
  EXPECT_FALSE(if_none_match_hits("", etag));
}

}  // namespace
