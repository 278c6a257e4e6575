// The common-password list embedded from python3-zxcvbn: its size, its order
// (the binary search depends on it) and case-insensitive lookups.
#include "crud/common_passwords.h"

#include <gtest/gtest.h>

#include <string>
#include <string_view>

#include "crud/text.h"

namespace crud::detail {
// Defined in the generated common_passwords_embedded.cpp.
extern const char* const kCommonPasswords[];
extern const std::size_t kCommonPasswordCount;
}  // namespace crud::detail

using namespace crud;

TEST(CommonPasswords, HoldsAtLeastTenThousand) { EXPECT_GE(common_password_count(), 10000u); }

TEST(CommonPasswords, LowerCaseStrictlySorted) {
  ASSERT_EQ(common_password_count(), detail::kCommonPasswordCount);
  for (std::size_t i = 0; i < detail::kCommonPasswordCount; ++i) {
    std::string_view entry = detail::kCommonPasswords[i];
    EXPECT_EQ(ascii_lower(entry), entry) << "not lower-case: " << entry;
  }
  for (std::size_t i = 1; i < detail::kCommonPasswordCount; ++i) {
    std::string_view previous = detail::kCommonPasswords[i - 1];
    std::string_view entry = detail::kCommonPasswords[i];
    EXPECT_LT(previous, entry) << "out of order or repeated: " << entry;
  }
}

struct CommonCase {
  std::string password;
  bool expected;
  const char* reason;
};

TEST(CommonPasswords, Table) {
  const CommonCase cases[] = {
      {"password", true, "the classic"},
      {"PassWord", true, "mixed case"},
      {"PASSWORD", true, "upper case"},
      {"12345678", true, "digits"},
      {"iloveyou", true, "phrase"},
      {"ILoveYou", true, "phrase, mixed case"},
      {"sunshine", true, "word"},
      {"SUNSHINE", true, "word, upper case"},
      {"trustno1", true, "letters and digit"},
      {"TrustNo1", true, "letters and digit, mixed case"},
      {"", false, "empty"},
      {"xK7#pQ2!vL9@", false, "random-looking"},
      {"tz4Wq8Lm0Rbs", false, "random-looking, letters and digits"},
      {"correct horse battery staple", false, "long passphrase"},
      {"password ", false, "trailing space"},
      {" password", false, "leading space"},
      {"pässwörd", false, "non-ASCII"},
      {std::string(128, 'a'), false, "128 characters"},
  };
  for (const auto& c : cases) EXPECT_EQ(is_common_password(c.password), c.expected) << c.reason;
}
