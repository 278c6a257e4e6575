// TOTP codes against RFC 6238's vectors, the ±1-step window, replay refusal,
// strict code and secret checks, the otpauth URI and the recovery codes.
#include "crud/totp.h"

#include <gtest/gtest.h>
#include <sodium.h>

#include <cstdio>
#include <cstdlib>
#include <set>
#include <stdexcept>

using namespace crud;

namespace {

// randombytes needs libsodium initialised; sodium_init() is idempotent.
class SodiumEnvironment : public ::testing::Environment {
 public:
  void SetUp() override { ASSERT_GE(sodium_init(), 0); }
};
[[maybe_unused]] ::testing::Environment* const sodium_environment =
    ::testing::AddGlobalTestEnvironment(new SodiumEnvironment);

// RFC 6238 appendix B's SHA-1 key, the ASCII bytes "12345678901234567890", in base32.
const std::string kRfcSecret = "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ";
// 1111111111 is one second into step 37037037.
constexpr std::int64_t kNow = 1111111111;

bool is_base32_upper(char ch) { return (ch >= 'A' && ch <= 'Z') || (ch >= '2' && ch <= '7'); }
bool is_base32_lower(char ch) { return (ch >= 'a' && ch <= 'z') || (ch >= '2' && ch <= '7'); }

}  // namespace

struct RfcCase {
  std::int64_t unix_time;
  const char* rfc_code;  // the RFC's 8-digit value; ours is its last 6 digits
  const char* reason;
};

TEST(TotpRfc6238, Sha1VectorsLastSixDigits) {
  const RfcCase cases[] = {
      {59, "94287082", "end of step 1"},
      {1111111109, "07081804", "last second of a step, leading zero"},
      {1111111111, "14050471", "first second of the next step"},
      {1234567890, "89005924", "2009"},
      {2000000000, "69279037", "2033"},
      {20000000000, "65353130", "past 2038, needs 64-bit time"},
  };
  for (const auto& c : cases)
    EXPECT_EQ(totp_code(kRfcSecret, c.unix_time), std::string(c.rfc_code).substr(2)) << c.reason;
}

TEST(TotpRfc6238, MatchesOathtoolWhenInstalled) {
  if (std::system("command -v oathtool >/dev/null 2>&1") != 0) GTEST_SKIP() << "no oathtool";
  const std::string secret = new_totp_secret();
  for (std::int64_t t : {std::int64_t{0}, kNow, std::int64_t{1700000000}}) {
    const std::string command =
        "oathtool --totp -b " + secret + " --now @" + std::to_string(t) + " 2>&1";
    FILE* pipe = popen(command.c_str(), "r");
    ASSERT_NE(pipe, nullptr);
    char line[64] = {};
    const bool read = std::fgets(line, sizeof line, pipe) != nullptr;
    pclose(pipe);
    ASSERT_TRUE(read) << command;
    EXPECT_EQ(std::string(line), totp_code(secret, t) + "\n") << "unix time " << t;
  }
}

struct StepCase {
  std::int64_t unix_time;
  std::int64_t step;
  const char* reason;
};

TEST(TotpStep, Table) {
  const StepCase cases[] = {
      {0, 0, "epoch"},
      {29, 0, "last second of step 0"},
      {30, 1, "first second of step 1"},
      {59, 1, "RFC's first"},
      {-1, -1, "before 1970 rounds down"},
      {-30, -1, "start of step -1"},
      {-31, -2, "step -2"},
  };
  for (const auto& c : cases) EXPECT_EQ(totp_step(c.unix_time), c.step) << c.reason;
}

struct WindowCase {
  std::int64_t steps_from_now;  // whose code is presented
  bool accepted;
  const char* reason;
};

TEST(VerifyTotp, AcceptsOneStepEitherSide) {
  const WindowCase cases[] = {
      {-2, false, "two steps behind"}, {-1, true, "clock one step behind"},
      {0, true, "current step"},       {1, true, "clock one step ahead"},
      {2, false, "two steps ahead"},
  };
  const std::int64_t now_step = totp_step(kNow);
  for (const auto& c : cases) {
    const std::string code = totp_code(kRfcSecret, kNow + 30 * c.steps_from_now);
    const auto expected =
        c.accepted ? std::optional<std::int64_t>(now_step + c.steps_from_now) : std::nullopt;
    EXPECT_EQ(verify_totp(kRfcSecret, code, kNow, 0), expected) << c.reason;
  }
}

struct ReplayCase {
  std::int64_t code_step;       // relative to the current step
  std::int64_t last_used_step;  // relative to the current step
  std::optional<std::int64_t> matched;
  const char* reason;
};

TEST(VerifyTotp, AcceptsEachStepAtMostOnce) {
  const ReplayCase cases[] = {
      {0, -1, 0, "current code, previous step used"},
      {0, 0, std::nullopt, "current code again"},
      {-1, -1, std::nullopt, "previous step's code again"},
      {1, 0, 1, "next step's code after the current one"},
      {0, 1, std::nullopt, "older code after a newer one was used"},
      {-1, -2, -1, "previous step's code, older step used"},
  };
  const std::int64_t now_step = totp_step(kNow);
  for (const auto& c : cases) {
    const std::string code = totp_code(kRfcSecret, kNow + 30 * c.code_step);
    const auto expected =
        c.matched ? std::optional<std::int64_t>(now_step + *c.matched) : std::nullopt;
    EXPECT_EQ(verify_totp(kRfcSecret, code, kNow, now_step + c.last_used_step), expected)
        << c.reason;
  }
}

struct CodeShapeCase {
  std::string code;
  const char* reason;
};

TEST(VerifyTotp, RefusesCodesThatAreNotSixDigits) {
  const std::string good = totp_code(kRfcSecret, kNow);  // "050471"
  ASSERT_TRUE(verify_totp(kRfcSecret, good, kNow, 0)) << "the control must pass";
  const CodeShapeCase cases[] = {
      {good.substr(1), "5 digits"},
      {good + "1", "7 digits"},
      {"0" + good, "leading zero added"},
      {"05047a", "a letter"},
      {"abcdef", "letters only"},
      {"050 471", "space inside"},
      {" 050471", "leading space"},
      {"050471 ", "trailing space"},
      {"", "empty"},
      {std::string("05047\0", 6), "NUL byte"},
      {"-50471", "sign"},
      {"\xef\xbc\x90\xef\xbc\x95\xef\xbc\x90\xef\xbc\x94\xef\xbc\x97\xef\xbc\x91",
       "full-width digits"},
  };
  for (const auto& c : cases)
    EXPECT_EQ(verify_totp(kRfcSecret, c.code, kNow, 0), std::nullopt) << c.reason;
}

struct BadSecretCase {
  std::string secret;
  const char* reason;
};

TEST(VerifyTotp, RefusesBadSecrets) {
  const std::string code = totp_code(kRfcSecret, kNow);
  const BadSecretCase cases[] = {
      {"", "empty (liboath would compute codes for an empty key)"},
      {"GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJ1", "'1' is not base32"},
      {"GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJ!", "punctuation"},
      {"GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQG", "a dangling character"},
      {"GEZDGNBVGY3TQOJQGEZDG=", "bad padding"},
      {"GEZDGNBVGY3TQOJQ", "80 bits, under RFC 4226's 128"},
  };
  for (const auto& c : cases) {
    EXPECT_EQ(verify_totp(c.secret, code, kNow, 0), std::nullopt) << c.reason;
    EXPECT_THROW(totp_code(c.secret, kNow), std::invalid_argument) << c.reason;
  }
}

TEST(TotpCode, RefusesTimesBeforeTheEpoch) {
  EXPECT_THROW(totp_code(kRfcSecret, -1), std::invalid_argument);
  EXPECT_EQ(verify_totp(kRfcSecret, totp_code(kRfcSecret, 0), 0, -10), 0)
      << "step 0 is accepted; step -1 in the window is skipped";
}

TEST(TotpCode, ExtremeTimesDoNotOverflow) {
  const std::int64_t last = INT64_MAX;
  EXPECT_EQ(verify_totp(kRfcSecret, totp_code(kRfcSecret, last), last, INT64_MIN), totp_step(last))
      << "the step after the last representable one is skipped, not wrapped";
  EXPECT_EQ(verify_totp(kRfcSecret, "000000", INT64_MIN, INT64_MIN), std::nullopt)
      << "no codes long before 1970";
}

TEST(TotpSecret, IsThirtyTwoBase32CharactersAndFresh) {
  const std::string a = new_totp_secret(), b = new_totp_secret();
  EXPECT_EQ(a.size(), 32u);
  for (char ch : a) EXPECT_TRUE(is_base32_upper(ch)) << a;
  EXPECT_NE(a, b);
  EXPECT_EQ(verify_totp(a, totp_code(a, kNow), kNow, 0), totp_step(kNow))
      << "a new secret verifies its own code";
}

struct UriCase {
  const char* issuer;
  const char* account;
  const char* expected;
  const char* reason;
};

TEST(TotpOtpauthUri, Table) {
  const UriCase cases[] = {
      {"Crud", "alice",
       "otpauth://totp/Crud:alice?secret=JBSWY3DPEHPK3PXP&issuer=Crud&algorithm=SHA1&digits=6&"
       "period=30",
       "nothing to escape"},
      {"Example Co", "alice:admin",
       "otpauth://totp/Example%20Co:alice%3Aadmin?secret=JBSWY3DPEHPK3PXP&issuer=Example%20Co&"
       "algorithm=SHA1&digits=6&period=30",
       "space and ':' escaped"},
      {"a-b.c_d~e", "bob@example.com",
       "otpauth://totp/a-b.c_d~e:bob%40example.com?secret=JBSWY3DPEHPK3PXP&issuer=a-b.c_d~e&"
       "algorithm=SHA1&digits=6&period=30",
       "unreserved kept, '@' escaped"},
      {"Caf\xc3\xa9&Co", "x?y=z/w",
       "otpauth://totp/Caf%C3%A9%26Co:x%3Fy%3Dz%2Fw?secret=JBSWY3DPEHPK3PXP&issuer=Caf%C3%A9%26Co&"
       "algorithm=SHA1&digits=6&period=30",
       "UTF-8 bytes and query delimiters escaped"},
  };
  for (const auto& c : cases)
    EXPECT_EQ(otpauth_uri(c.issuer, c.account, "JBSWY3DPEHPK3PXP"), c.expected) << c.reason;
}

TEST(RecoveryCodes, TenDistinctInFormat) {
  const std::vector<std::string> codes = new_recovery_codes();
  ASSERT_EQ(codes.size(), 10u);
  EXPECT_EQ(std::set<std::string>(codes.begin(), codes.end()).size(), 10u) << "distinct";
  for (const auto& code : codes) {
    ASSERT_EQ(code.size(), 11u) << code;
    EXPECT_EQ(code[5], '-') << code;
    for (std::size_t i = 0; i < code.size(); ++i) {
      if (i == 5) continue;
      EXPECT_TRUE(is_base32_lower(code[i])) << code;
    }
    EXPECT_EQ(normalize_recovery_code(code), code.substr(0, 5) + code.substr(6))
        << "a shown code normalizes to its ten characters";
  }
  EXPECT_NE(new_recovery_codes(), codes) << "fresh codes each time";
}

struct NormalizeCase {
  const char* typed;
  std::optional<std::string> expected;
  const char* reason;
};

TEST(NormalizeRecoveryCode, Table) {
  const NormalizeCase cases[] = {
      {"abcde-fghij", "abcdefghij", "as shown"},
      {"ABCDE-FGHIJ", "abcdefghij", "upper case"},
      {" abcde fghij ", "abcdefghij", "spaces instead of the dash"},
      {"abcdefghij", "abcdefghij", "no separator"},
      {"a-b-c-d-e-f-g-h-i-j", "abcdefghij", "dashes anywhere"},
      {"23456-7abcd", "234567abcd", "digits 2 to 7"},
      {"abcde-fghi", std::nullopt, "9 characters"},
      {"abcde-fghijk", std::nullopt, "11 characters"},
      {"", std::nullopt, "empty"},
      {"- -", std::nullopt, "separators only"},
      {"abcde-fghi1", std::nullopt, "'1' is not base32"},
      {"abcde-fghi8", std::nullopt, "'8' is not base32"},
      {"abcde-fghi0", std::nullopt, "'0' is not base32"},
      {"abcde_fghij", std::nullopt, "underscore"},
      {"abcde\tfghij", std::nullopt, "tab is not a space"},
      {"abcde-fgh\xc3\xa9", std::nullopt, "non-ASCII"},
  };
  for (const auto& c : cases) EXPECT_EQ(normalize_recovery_code(c.typed), c.expected) << c.reason;
}
