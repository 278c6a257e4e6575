// Registration: POST /api/register and its alias POST /api/users. Covers the
// success shape, the username/password rules (one 422 detail per bad field),
// case-insensitive uniqueness (also under a race) and that a refused
// registration leaves no row behind.
#include <gtest/gtest.h>

#include <cctype>
#include <string>

#include "support/http_client.h"
#include "support/json_checks.h"
#include "support/param_name.h"
#include "support/race.h"
#include "support/test_data.h"

namespace itest {
namespace {

// Multi-byte code points, to tell code points from bytes (2 and 4 bytes each).
const std::string kTwoByte = "\u00e9";       // é
const std::string kFourByte = "\U0001F40E";  // 🐎

std::string to_lower(std::string s) {
  for (auto& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

std::string to_upper(std::string s) {
  for (auto& c : s) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return s;
}

// A unique name padded with 'x' to exactly `length` characters (>= 11).
std::string name_of_length(size_t length) {
  std::string name = "L" + unique_suffix();
  name.resize(length, 'x');
  return name;
}

// `length` random-looking characters, so no common-password list can hold it.
std::string password_of_length(size_t length) {
  std::string password = "Pw-";
  while (password.size() < length) password += unique_suffix();
  password.resize(length);
  return password;
}

class RegisterPath : public testing::TestWithParam<const char*> {};

TEST_P(RegisterPath, Returns201WithIdAndLocation) {
  const std::string name = unique_username("Reg");
  const auto r = request("POST", GetParam(), credentials_body(name, strong_password()));
  ASSERT_TRUE(IsJsonResponse(r, 201));
  const auto doc = parse_json(r.body);
  ASSERT_TRUE(doc.IsObject()) << r.describe();
  EXPECT_EQ(doc.MemberCount(), 2u) << r.describe();
  EXPECT_EQ(string_member(doc, "message"), "User registered successfully");
  const auto id = int64_member(doc, "user_id").value_or(0);
  ASSERT_GT(id, 0) << r.describe();
  EXPECT_EQ(r.header("Location").value_or(""), "/api/users/" + std::to_string(id));

  // The Location points at the new user, stored exactly as typed.
  const auto got = request("GET", "/api/users/" + std::to_string(id));
  ASSERT_TRUE(IsJsonResponse(got, 200));
  const auto user = parse_json(got.body);
  EXPECT_TRUE(IsUserRepresentation(user)) << got.describe();
  EXPECT_EQ(string_member(user, "username"), name);
}

INSTANTIATE_TEST_SUITE_P(BothPaths, RegisterPath, testing::Values("/api/register", "/api/users"),
                         [](const auto& row) {
                           return std::string(row.index == 0 ? "register" : "users_alias");
                         });

// Values at the edges of the rules that must be accepted.
struct AcceptedCase {
  const char* reason;
  std::string (*username)();
  std::string (*password)();
};

const AcceptedCase kAccepted[] = {
    {"username_3_chars", [] { return "a" + unique_suffix().substr(0, 2); }, strong_password},
    {"username_32_chars", [] { return name_of_length(32); }, strong_password},
    {"username_every_allowed_kind", [] { return "aZ09_.-" + unique_suffix(); }, strong_password},
    {"password_8_ascii", [] { return unique_username("pw"); },
     [] { return password_of_length(8); }},
    {"password_8_two_byte_code_points", [] { return unique_username("pw"); },
     [] { return repeat(kTwoByte, 4) + repeat("\u00fc", 4); }},
    {"password_8_four_byte_code_points", [] { return unique_username("pw"); },
     [] { return repeat(kFourByte, 8); }},
    {"password_128_ascii", [] { return unique_username("pw"); },
     [] { return password_of_length(128); }},
    {"password_128_two_byte_code_points_256_bytes", [] { return unique_username("pw"); },
     [] { return repeat(kTwoByte, 127) + "x"; }},
    {"password_with_spaces_quotes_backslash", [] { return unique_username("pw"); },
     [] { return "correct \"horse\" \\ battery " + unique_suffix(); }},
};

class RegisterAccepts : public testing::TestWithParam<AcceptedCase> {};

TEST_P(RegisterAccepts, Returns201AndStoresNameAsTyped) {
  const auto& row = GetParam();
  std::string name;
  Response r;
  // Only the 3-character names can collide with an earlier run; try another.
  for (int attempt = 0; attempt < 5; ++attempt) {
    name = row.username();
    r = request("POST", "/api/register", credentials_body(name, row.password()));
    if (r.status != 409) break;
  }
  ASSERT_TRUE(IsJsonResponse(r, 201)) << row.reason;
  const auto id = int64_member(parse_json(r.body), "user_id").value_or(0);
  ASSERT_GT(id, 0) << r.describe();
  const auto got = request("GET", "/api/users/" + std::to_string(id));
  ASSERT_EQ(got.status, 200) << got.describe();
  EXPECT_EQ(string_member(parse_json(got.body), "username"), name);
}

INSTANTIATE_TEST_SUITE_P(Rules, RegisterAccepts, testing::ValuesIn(kAccepted), ReasonName());

// Well-formed values that break a rule: 422 naming every bad field.
struct RejectedCase {
  const char* reason;
  std::string (*username)();
  std::string (*password)(const std::string& username);
  Details details;
};

std::string good_password(const std::string&) { return strong_password(); }

const RejectedCase kRejected[] = {
    {"username_2_chars",
     [] { return std::string("ab"); },
     good_password,
     {{"username", "too_short"}}},
    {"username_33_chars",
     [] { return name_of_length(33); },
     good_password,
     {{"username", "too_long"}}},
    {"username_with_space",
     [] { return "bad name" + unique_suffix(); },
     good_password,
     {{"username", "invalid_characters"}}},
    {"username_with_at_sign",
     [] { return "bob@" + unique_suffix(); },
     good_password,
     {{"username", "invalid_characters"}}},
    {"username_non_ascii_letter",
     [] { return "j\u00fcrgen" + unique_suffix(); },
     good_password,
     {{"username", "invalid_characters"}}},
    {"username_with_slash",
     [] { return "a/b" + unique_suffix(); },
     good_password,
     {{"username", "invalid_characters"}}},
    {"username_with_nul",
     [] { return std::string("abc\0def", 7) + unique_suffix(); },
     good_password,
     {{"username", "invalid_characters"}}},
    {"password_7_ascii",
     [] { return unique_username("pw"); },
     [](const std::string&) { return password_of_length(7); },
     {{"password", "too_short"}}},
    {"password_7_code_points_14_bytes",
     [] { return unique_username("pw"); },
     [](const std::string&) { return repeat(kTwoByte, 7); },
     {{"password", "too_short"}}},
    {"password_7_code_points_28_bytes",
     [] { return unique_username("pw"); },
     [](const std::string&) { return repeat(kFourByte, 7); },
     {{"password", "too_short"}}},
    {"password_129_ascii",
     [] { return unique_username("pw"); },
     [](const std::string&) { return password_of_length(129); },
     {{"password", "too_long"}}},
    {"password_129_code_points",
     [] { return unique_username("pw"); },
     [](const std::string&) { return repeat(kTwoByte, 129); },
     {{"password", "too_long"}}},
    {"password_equals_username",
     [] { return unique_username("Same"); },
     [](const std::string& u) { return u; },
     {{"password", "equals_username"}}},
    {"password_equals_username_other_case",
     [] { return unique_username("Same"); },
     [](const std::string& u) { return to_upper(u); },
     {{"password", "equals_username"}}},
    {"password_common",
     [] { return unique_username("pw"); },
     [](const std::string&) { return std::string("password123"); },
     {{"password", "too_common"}}},
    // The list is matched without regard to letter case.
    {"password_common_other_case",
     [] { return unique_username("pw"); },
     [](const std::string&) { return std::string("PassWord123"); },
     {{"password", "too_common"}}},
    {"both_too_short",
     [] { return std::string("ab"); },
     [](const std::string&) { return std::string("short"); },
     {{"username", "too_short"}, {"password", "too_short"}}},
    {"both_too_long",
     [] { return name_of_length(33); },
     [](const std::string&) { return password_of_length(129); },
     {{"username", "too_long"}, {"password", "too_long"}}},
    {"bad_characters_and_short_password",
     [] { return "bad name" + unique_suffix(); },
     [](const std::string&) { return std::string("tiny"); },
     {{"username", "invalid_characters"}, {"password", "too_short"}}},
};

class RegisterRejects : public testing::TestWithParam<RejectedCase> {};

TEST_P(RegisterRejects, Returns422WithDetailForEveryBadField) {
  const auto& row = GetParam();
  const std::string name = row.username();
  const auto r = request("POST", "/api/register", credentials_body(name, row.password(name)));
  EXPECT_TRUE(IsApiError(r, 422, "validation_failed")) << row.reason;
  EXPECT_TRUE(HasDetails(r, row.details)) << row.reason;
}

INSTANTIATE_TEST_SUITE_P(Rules, RegisterRejects, testing::ValuesIn(kRejected), ReasonName());

TEST(RegisterUniqueness, SameNameInAnyCaseIs409) {
  const auto first = create_user(unique_username("Dup"));
  for (const auto& again : {first.username, to_lower(first.username), to_upper(first.username)}) {
    for (const char* path : {"/api/register", "/api/users"}) {
      const auto r = request("POST", path, credentials_body(again, strong_password()));
      EXPECT_TRUE(IsApiError(r, 409, "username_taken")) << again << " via " << path;
    }
  }
}

// Two clients race for Bob<s> and bob<s>: the database, not a read-then-write
// check, must let exactly one win.
TEST(RegisterUniqueness, ConcurrentSameNameDifferentCaseExactlyOneWins) {
  for (int round = 0; round < 5; ++round) {
    const std::string suffix = unique_suffix();
    const auto results = race(
        [&] {
          return request("POST", "/api/register",
                         credentials_body("Bob" + suffix, strong_password()));
        },
        [&] {
          return request("POST", "/api/register",
                         credentials_body("bob" + suffix, strong_password()));
        });
    EXPECT_TRUE(OneWinsOneLoses(results, 201, 409, "username_taken")) << "round " << round;
  }
}

// JSON escapes are decoded before the rules run: \u0041 is "A", a surrogate
// pair is one code point, and seven escaped "é" are seven code points.
TEST(RegisterJson, EscapesAreDecodedBeforeTheRules) {
  const std::string suffix = unique_suffix();
  const std::string horse = "\\ud83d\\udc0e";  // one code point, written as two escapes
  const auto ok = request(
      "POST", "/api/register",
      "{\"username\":\"\\u0041bc_" + suffix + "\",\"password\":\"" + repeat(horse, 8) + "\"}");
  ASSERT_TRUE(IsJsonResponse(ok, 201));
  const auto id = int64_member(parse_json(ok.body), "user_id").value_or(0);
  EXPECT_EQ(string_member(parse_json(request("GET", "/api/users/" + std::to_string(id)).body),
                          "username"),
            "Abc_" + suffix);

  const auto short_pw = request(
      "POST", "/api/register",
      "{\"username\":\"esc_" + suffix + "\",\"password\":\"" + repeat("\\u00e9", 7) + "\"}");
  EXPECT_TRUE(IsApiError(short_pw, 422, "validation_failed"));
  EXPECT_TRUE(HasDetails(short_pw, {{"password", "too_short"}}));
}

// Clients that stream their body send it chunked, without Content-Length.
TEST(RegisterJson, ChunkedBodyIsAccepted) {
  const auto r = request("POST", "/api/register",
                         credentials_body(unique_username("Chunked"), strong_password()),
                         {{"Transfer-Encoding", "chunked"}});
  EXPECT_TRUE(IsJsonResponse(r, 201));
}

TEST(RegisterJson, ChunkedBodyOver16KiBIs413) {
  const std::string body = credentials_body("x", std::string(16400, 'p'));
  const auto r = request("POST", "/api/register", body, {{"Transfer-Encoding", "chunked"}});
  EXPECT_TRUE(IsApiError(r, 413, "payload_too_large"));
}

// A refused registration must not leave a row: the name stays free and no
// user of that name shows up in the list.
TEST(RegisterAtomicity, RefusedRegistrationLeavesNoRow) {
  const auto marker = create_user();
  const std::string name = unique_username("Ghost");

  const auto refused = request("POST", "/api/register", credentials_body(name, "short"));
  ASSERT_TRUE(IsApiError(refused, 422, "validation_failed"));
  EXPECT_FALSE(find_in_list(marker.id - 1, name).has_value()) << name << " was stored";

  // The name was never taken, so it can still be registered.
  const auto later = request("POST", "/api/register", credentials_body(name, strong_password()));
  EXPECT_TRUE(IsJsonResponse(later, 201));
  EXPECT_TRUE(find_in_list(marker.id - 1, name).has_value());
}

}  // namespace
}  // namespace itest
