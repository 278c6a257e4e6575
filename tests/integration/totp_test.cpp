// Two-factor authentication: enrolment (secret + otpauth URI), turning it on
// with a code (10 recovery codes back), login then needing a code that works
// once, recovery codes that work once, turning it off, and the 409s for steps
// out of order. Codes come from the real oathtool, as a phone app would make.
#include <gtest/gtest.h>

#include <set>
#include <stdexcept>
#include <string>
#include <vector>

#include "support/auth_client.h"
#include "support/http_client.h"
#include "support/json_checks.h"
#include "support/param_name.h"
#include "support/race.h"
#include "support/test_data.h"
#include "support/totp_codes.h"
#include "support/two_factor.h"

namespace itest {
namespace {

Response disable(const Account& a, const std::string& code) {
  return request("DELETE", "/api/me/totp", "{\"code\":" + json_quote(code) + "}",
                 bearer(a.tokens.access_token));
}

bool totp_enabled(const Account& a) {
  const auto r = request("GET", "/api/me", std::nullopt, bearer(a.tokens.access_token));
  const auto doc = parse_json(r.body);
  if (r.status != 200 || !doc.IsObject() || !doc.HasMember("totp_enabled") ||
      !doc["totp_enabled"].IsBool()) {
    throw std::runtime_error("GET /api/me failed\n" + r.describe());
  }
  return doc["totp_enabled"].GetBool();
}

// A six-digit code that is none of the codes around `at` (so surely wrong).
std::string wrong_code(const std::string& secret, std::int64_t at) {
  std::set<std::string> near;
  for (int step = -2; step <= 2; ++step) near.insert(totp_code_at(secret, at + 30 * step));
  for (int n = 0;; ++n) {
    std::string code = std::to_string(100000 + n * 7919 % 900000);
    if (near.count(code) == 0) return code;
  }
}

bool is_base32(const std::string& s) {
  if (s.empty()) return false;
  for (const char c : s) {
    if (!((c >= 'A' && c <= 'Z') || (c >= '2' && c <= '7'))) return false;
  }
  return true;
}

TEST(Totp, EnrolReturnsSecretAndOtpauthUri) {
  const auto account = create_account("TotpEnrol");
  const auto r = enrol(account);
  ASSERT_TRUE(IsJsonResponse(r, 200));
  const auto doc = parse_json(r.body);
  ASSERT_TRUE(doc.IsObject());
  EXPECT_EQ(doc.MemberCount(), 2u) << r.body;
  const std::string secret = string_member(doc, "secret");
  EXPECT_TRUE(is_base32(secret)) << secret;
  EXPECT_GE(secret.size(), 26u) << "want at least 128 bits (RFC 4226)";
  const std::string uri = string_member(doc, "otpauth_uri");
  EXPECT_EQ(uri.rfind("otpauth://totp/", 0), 0u) << uri;
  EXPECT_NE(uri.find("secret=" + secret), std::string::npos) << uri;
  // oathtool must accept the secret as it would come from scanning the QR code.
  EXPECT_EQ(totp_code_at(secret, unix_now()).size(), 6u);
  // Not on until a code proves the app has the secret.
  EXPECT_FALSE(totp_enabled(account));
  EXPECT_TRUE(IsTokenPair(login(account.user.username, account.user.password)));
}

TEST(Totp, VerifyWithWrongCodeIs422AndLeavesItOff) {
  const auto account = create_account("TotpWrong");
  const auto enrolled = enrol(account);
  ASSERT_TRUE(IsJsonResponse(enrolled, 200));
  const std::string secret = string_member(parse_json(enrolled.body), "secret");
  const auto r = verify(account, wrong_code(secret, unix_now()));
  EXPECT_TRUE(IsApiError(r, 422, "validation_failed"));
  EXPECT_TRUE(HasOneDetailFor(r, "code"));
  EXPECT_FALSE(totp_enabled(account));
}

TEST(Totp, VerifyTurnsItOnWithTenRecoveryCodes) {
  const auto tf = enable_two_factor("TotpOn");
  ASSERT_EQ(tf.recovery_codes.size(), 10u);
  const std::set<std::string> distinct(tf.recovery_codes.begin(), tf.recovery_codes.end());
  EXPECT_EQ(distinct.size(), 10u);
  EXPECT_EQ(distinct.count(""), 0u);
  EXPECT_TRUE(totp_enabled(tf.account));
}

TEST(Totp, LoginNeedsAValidCodeThatWorksOnce) {
  const auto tf = enable_two_factor("TotpLogin");
  const auto& user = tf.account.user;
  EXPECT_TRUE(IsApiError(login(user.username, user.password), 401, "totp_required"));
  EXPECT_TRUE(
      IsApiError(login_with_code(user, wrong_code(tf.secret, unix_now())), 401, "invalid_totp"));
  const std::string code = tf.next_code();
  const auto ok = login_with_code(user, code);
  ASSERT_TRUE(IsTokenPair(ok));
  EXPECT_TRUE(IsJsonResponse(
      request("GET", "/api/me", std::nullopt, bearer(tokens_of(ok).access_token)), 200));
  // Someone who watched the code being typed cannot use it again.
  EXPECT_TRUE(IsApiError(login_with_code(user, code), 401, "invalid_totp"));
}

// "At most once" holds across endpoints: a code spent at login cannot turn 2FA off.
TEST(Totp, CodeUsedAtLoginCannotDisable) {
  const auto tf = enable_two_factor("TotpCross");
  const std::string code = tf.next_code();
  ASSERT_TRUE(IsTokenPair(login_with_code(tf.account.user, code)));
  EXPECT_TRUE(IsApiError(disable(tf.account, code), 422, "validation_failed"));
  EXPECT_TRUE(totp_enabled(tf.account));
}

// Two logins racing with one code: the database, not a read-then-write
// check, must let exactly one through.
TEST(Totp, ConcurrentLoginsWithOneCodeOneWins) {
  const auto tf = enable_two_factor("TotpRace");
  const std::string code = tf.next_code();
  const auto& user = tf.account.user;
  const auto results = race([&] { return login_with_code(user, code); },
                            [&] { return login_with_code(user, code); });
  EXPECT_TRUE(OneWinsOneLoses(results, 200, 401, "invalid_totp"));
}

TEST(Totp, ConcurrentLoginsWithOneRecoveryCodeOneWins) {
  const auto tf = enable_two_factor("TotpRcRace");
  ASSERT_FALSE(tf.recovery_codes.empty());
  const std::string code = tf.recovery_codes.front();
  const auto& user = tf.account.user;
  const auto results = race([&] { return login_with_code(user, code); },
                            [&] { return login_with_code(user, code); });
  EXPECT_TRUE(OneWinsOneLoses(results, 200, 401, "invalid_totp"));
}

// ±1 step only: the code three steps after the spent one is refused even
// though it was never used (two steps ahead could already be "next" if the
// server's clock crossed a step boundary meanwhile).
TEST(Totp, CodeOutsideTheWindowIsRefused) {
  const auto tf = enable_two_factor("TotpWindow");
  const auto r = login_with_code(tf.account.user, totp_code_at(tf.secret, tf.verified_at + 90));
  EXPECT_TRUE(IsApiError(r, 401, "invalid_totp"));
}

// The code step spent by verify cannot log in.
TEST(Totp, CodeUsedByVerifyIsSpent) {
  const auto tf = enable_two_factor("TotpSpent");
  const auto r = login_with_code(tf.account.user, totp_code_at(tf.secret, tf.verified_at));
  EXPECT_TRUE(IsApiError(r, 401, "invalid_totp"));
}

// The password is checked first, and a good code does not make up for it.
TEST(Totp, GoodCodeWithWrongPasswordIsInvalidCredentials) {
  const auto tf = enable_two_factor("TotpPw");
  const auto r =
      login(tf.account.user.username, strong_password(), "\"totp\":" + json_quote(tf.next_code()));
  EXPECT_TRUE(IsApiError(r, 401, "invalid_credentials"));
}

TEST(Totp, RecoveryCodeWorksOnceAtLogin) {
  const auto tf = enable_two_factor("TotpRecover");
  ASSERT_EQ(tf.recovery_codes.size(), 10u);
  const auto& user = tf.account.user;
  EXPECT_TRUE(IsTokenPair(login_with_code(user, tf.recovery_codes[0])));
  EXPECT_TRUE(IsApiError(login_with_code(user, tf.recovery_codes[0]), 401, "invalid_totp"));
  EXPECT_TRUE(IsTokenPair(login_with_code(user, tf.recovery_codes[1])));
}

TEST(Totp, DisableWithRecoveryCode) {
  const auto tf = enable_two_factor("TotpOffRc");
  ASSERT_FALSE(tf.recovery_codes.empty());
  const auto r = disable(tf.account, tf.recovery_codes.back());
  EXPECT_EQ(r.status, 204) << r.describe();
  EXPECT_TRUE(r.body.empty());
  EXPECT_FALSE(totp_enabled(tf.account));
  EXPECT_TRUE(IsTokenPair(login(tf.account.user.username, tf.account.user.password)));
}

// Turning 2FA off and on again starts over: a new secret and new recovery
// codes, and the old codes are dead.
TEST(Totp, ReEnablingReplacesSecretAndRecoveryCodes) {
  const auto tf = enable_two_factor("TotpAgain");
  ASSERT_EQ(tf.recovery_codes.size(), 10u);
  ASSERT_EQ(disable(tf.account, tf.recovery_codes[9]).status, 204);

  const auto enrolled = enrol(tf.account);
  ASSERT_TRUE(IsJsonResponse(enrolled, 200));
  const std::string secret = string_member(parse_json(enrolled.body), "secret");
  EXPECT_NE(secret, tf.secret);
  // The step after the first verify's: unused whatever the server remembers.
  const auto verified = verify(tf.account, totp_code_at(secret, tf.verified_at + 30));
  ASSERT_TRUE(IsJsonResponse(verified, 200));
  const auto doc = parse_json(verified.body);
  ASSERT_TRUE(doc.HasMember("recovery_codes") && doc["recovery_codes"].IsArray());
  ASSERT_FALSE(doc["recovery_codes"].Empty());

  const auto& user = tf.account.user;
  EXPECT_TRUE(IsApiError(login_with_code(user, tf.recovery_codes[0]), 401, "invalid_totp"));
  EXPECT_TRUE(IsTokenPair(login_with_code(user, doc["recovery_codes"][0].GetString())));
}

TEST(Totp, DisableWithCurrentCode) {
  const auto tf = enable_two_factor("TotpOff");
  const auto r = disable(tf.account, tf.next_code());
  EXPECT_EQ(r.status, 204) << r.describe();
  EXPECT_FALSE(totp_enabled(tf.account));
  EXPECT_TRUE(IsTokenPair(login(tf.account.user.username, tf.account.user.password)));
}

TEST(Totp, DisableWithWrongCodeIs422AndLeavesItOn) {
  const auto tf = enable_two_factor("TotpKeep");
  const auto r = disable(tf.account, wrong_code(tf.secret, unix_now()));
  EXPECT_TRUE(IsApiError(r, 422, "validation_failed"));
  EXPECT_TRUE(HasOneDetailFor(r, "code"));
  EXPECT_TRUE(totp_enabled(tf.account));
}

TEST(Totp, EnrolWhenEnabledIs409) {
  const auto tf = enable_two_factor("TotpTwice");
  EXPECT_TRUE(IsApiError(enrol(tf.account), 409, "totp_already_enabled"));
  // The secret in use was not replaced: its next code still logs in.
  EXPECT_TRUE(IsTokenPair(login_with_code(tf.account.user, tf.next_code())));
}

TEST(Totp, VerifyWithoutEnrolIs409) {
  const auto account = create_account("TotpNoEnrol");
  EXPECT_TRUE(IsApiError(verify(account, "123456"), 409, "totp_not_enrolled"));
}

TEST(Totp, DisableWhenOffIs409) {
  const auto account = create_account("TotpNotOn");
  EXPECT_TRUE(IsApiError(disable(account, "123456"), 409, "totp_not_enabled"));
}

struct BadCodeBody {
  const char* reason;
  std::string body;
  const char* code;
};

const BadCodeBody kBadCodeBodies[] = {
    {"missing_code", "{}", "missing_field"},
    {"code_number", R"({"code":123456})", "invalid_type"},
    {"unknown_field", R"({"code":"123456","secret":"AAAA"})", "unknown_field"},
};

class TotpVerifyBody : public testing::TestWithParam<BadCodeBody> {};

TEST_P(TotpVerifyBody, Is400) {
  const auto account = create_account("TotpBody");
  ASSERT_TRUE(IsJsonResponse(enrol(account), 200));
  const auto r =
      request("POST", "/api/me/totp/verify", GetParam().body, bearer(account.tokens.access_token));
  EXPECT_TRUE(IsApiError(r, 400, GetParam().code)) << GetParam().reason;
}

INSTANTIATE_TEST_SUITE_P(Bodies, TotpVerifyBody, testing::ValuesIn(kBadCodeBodies), ReasonName());

}  // namespace
}  // namespace itest
