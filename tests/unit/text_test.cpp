// Strict number parsing, code point counting and percent-decoding.
#include "crud/text.h"

#include <gtest/gtest.h>

using namespace crud;

// Test types stay local: another test file may define its own with the same name.
namespace {

struct DecimalCase {
  const char* input;
  std::optional<std::int64_t> expected;
  const char* reason;
};

TEST(ParseDecimal, Table) {
  const DecimalCase cases[] = {
      {"0", 0, "zero"},
      {"42", 42, "plain number"},
      {"9223372036854775807", INT64_MAX, "largest int64"},
      {"9223372036854775808", std::nullopt, "one past int64"},
      {"99999999999999999999", std::nullopt, "twenty digits"},
      {"", std::nullopt, "empty"},
      {"-1", std::nullopt, "negative"},
      {"+1", std::nullopt, "explicit plus"},
      {"007", std::nullopt, "leading zeros"},
      {"1.5", std::nullopt, "fraction"},
      {" 1", std::nullopt, "leading space"},
      {"1e3", std::nullopt, "exponent"},
      {"abc", std::nullopt, "letters"},
  };
  for (const auto& c : cases) EXPECT_EQ(parse_decimal(c.input), c.expected) << c.reason;
}

TEST(CountCodePoints, CountsCharactersNotBytes) {
  EXPECT_EQ(count_code_points(""), 0u);
  EXPECT_EQ(count_code_points("abc"), 3u);
  EXPECT_EQ(count_code_points("\xc3\xa9\xc3\xa9"), 2u) << "two 2-byte characters";
  EXPECT_EQ(count_code_points("\xf0\x9f\x98\x80"), 1u) << "one 4-byte emoji";
}

struct DecodeCase {
  const char* input;
  std::optional<std::string> expected;
  const char* reason;
};

TEST(PercentDecode, Table) {
  const DecodeCase cases[] = {
      {"abc", "abc", "nothing to decode"}, {"%31%32", "12", "digits"},
      {"a%2Fb", "a/b", "escaped slash"},   {"%4a", "J", "lower-case hex"},
      {"%", std::nullopt, "lone percent"}, {"%4", std::nullopt, "one hex digit"},
      {"%zz", std::nullopt, "not hex"},
  };
  for (const auto& c : cases) EXPECT_EQ(percent_decode(c.input), c.expected) << c.reason;
}

TEST(CaseHelpers, AsciiOnly) {
  EXPECT_TRUE(iequals("Alice", "aLICE"));
  EXPECT_FALSE(iequals("Alice", "Alic"));
  EXPECT_EQ(ascii_lower("Bob_1.X"), "bob_1.x");
}

}  // namespace
