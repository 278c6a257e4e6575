// VerifiedTokens: a token verified before skips the signature and parsing
// but never the time checks, and nothing else gets through.
#include "crud/verified_tokens.h"

#include <gtest/gtest.h>
#include <sodium.h>

#include "crud/text.h"

namespace crud {
namespace {

constexpr std::int64_t kNow = 1'700'000'000;

class VerifiedTokensTest : public ::testing::Test {
 protected:
  void SetUp() override { ASSERT_GE(sodium_init(), 0); }

  static AccessClaims claims_for(const std::string& sub) {
    AccessClaims c;
    c.iss = "crud";
    c.aud = "crud-api";
    c.sub = sub;
    c.jti = "jti-" + sub;
    c.role = "user";
    c.iat = c.nbf = kNow;
    c.exp = kNow + 900;
    c.ver = 1;
    return c;
  }
  static JwtCheck at(std::int64_t now) { return JwtCheck{"crud", "crud-api", now, 30}; }

  const KeyRing ring = KeyRing::parse("k1:" + base64url_encode(std::string(32, 'a')));
  VerifiedTokens tokens;
};

TEST_F(VerifiedTokensTest, SecondUseGivesTheSameClaims) {
  const std::string token = sign_jwt(claims_for("42"), ring);
  for (int use = 0; use < 2; ++use) {
    const auto result = tokens.verify(token, ring, at(kNow));
    ASSERT_EQ(result.error, JwtError::none) << "use " << use;
    EXPECT_EQ(result.claims.sub, "42");
    EXPECT_EQ(result.claims.ver, 1);
  }
  EXPECT_EQ(tokens.size(), 1u);
}

TEST_F(VerifiedTokensTest, ARememberedTokenStillExpires) {
  const std::string token = sign_jwt(claims_for("42"), ring);
  ASSERT_EQ(tokens.verify(token, ring, at(kNow)).error, JwtError::none);
  EXPECT_EQ(tokens.verify(token, ring, at(kNow + 900 + 31)).error, JwtError::expired);
  EXPECT_EQ(tokens.size(), 0u);
}

TEST_F(VerifiedTokensTest, AnAlteredTokenIsVerifiedInFullAndRefused) {
  const std::string token = sign_jwt(claims_for("42"), ring);
  ASSERT_EQ(tokens.verify(token, ring, at(kNow)).error, JwtError::none);
  std::string altered = token;
  altered.back() = altered.back() == 'A' ? 'B' : 'A';
  EXPECT_EQ(tokens.verify(altered, ring, at(kNow)).error, JwtError::bad_signature);
  EXPECT_EQ(tokens.verify(token + "x", ring, at(kNow)).error, JwtError::bad_signature);
  EXPECT_EQ(tokens.size(), 1u) << "refused tokens are not remembered";
}

TEST_F(VerifiedTokensTest, StaysBounded) {
  for (std::size_t i = 0; i <= VerifiedTokens::kMaxTokens; ++i)
    ASSERT_EQ(tokens.verify(sign_jwt(claims_for(std::to_string(i)), ring), ring, at(kNow)).error,
              JwtError::none);
  EXPECT_LE(tokens.size(), VerifiedTokens::kMaxTokens);
  EXPECT_GE(tokens.size(), 1u);
}

}  // namespace
}  // namespace crud
