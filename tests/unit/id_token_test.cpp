// ID-token checks (OIDC Core 3.1.3.7): one row per way a token from the
// token endpoint must be refused, and the accepted shapes of "aud".
#include "crud/id_token.h"

#include <gtest/gtest.h>

#include <string>

#include "crud/jwt.h"

using namespace crud;

namespace {

constexpr std::int64_t kNow = 1'700'000'000;
const IdTokenExpectation kExpected{"https://id.example", "crud-client", "n0nce", kNow};

// A compact token with this header and payload JSON; the signature part is
// not checked (the token comes over TLS), so any text does.
std::string token(const std::string& header, const std::string& payload) {
  return base64url_encode(header) + "." + base64url_encode(payload) + ".c2ln";
}

std::string claims(const std::string& extra = "", const std::string& aud = "\"crud-client\"",
                   std::int64_t iat = kNow - 5, std::int64_t exp = kNow + 300,
                   const std::string& nonce = "n0nce") {
  return "{\"iss\":\"https://id.example\",\"sub\":\"u-1\",\"aud\":" + aud +
         ",\"iat\":" + std::to_string(iat) + ",\"exp\":" + std::to_string(exp) + ",\"nonce\":\"" +
         nonce + "\"" + extra + "}";
}

const std::string kRs256 = "{\"alg\":\"RS256\",\"kid\":\"k1\"}";

struct Case {
  const char* reason;
  std::string token;
  const char* why;  // "" when accepted
};

TEST(IdToken, ChecksEveryClaim) {
  const Case cases[] = {
      {"a good token", token(kRs256, claims()), ""},
      {"aud as a one-element array", token(kRs256, claims("", "[\"crud-client\"]")), ""},
      {"several audiences with azp naming us",
       token(kRs256, claims(",\"azp\":\"crud-client\"", "[\"crud-client\",\"other\"]")), ""},
      {"several audiences without azp", token(kRs256, claims("", "[\"crud-client\",\"other\"]")),
       "wrong_audience"},
      {"another client's token", token(kRs256, claims("", "\"other\"")), "wrong_audience"},
      {"no aud", token(kRs256, "{\"iss\":\"https://id.example\",\"sub\":\"u\"}"), "wrong_audience"},
      {"another issuer",
       token(kRs256, "{\"iss\":\"https://evil.example\",\"aud\":\"crud-client\"}"), "wrong_issuer"},
      {"alg none", token("{\"alg\":\"none\"}", claims()), "unsigned"},
      {"no alg", token("{}", claims()), "unsigned"},
      {"expired", token(kRs256, claims("", "\"crud-client\"", kNow - 900, kNow - 61)), "expired"},
      {"expired within leeway", token(kRs256, claims("", "\"crud-client\"", kNow - 90, kNow - 30)),
       ""},
      {"issued in the future", token(kRs256, claims("", "\"crud-client\"", kNow + 120)),
       "issued_in_future"},
      {"issued too long ago (a stale nonce)",
       token(kRs256, claims("", "\"crud-client\"", kNow - 3600, kNow + 300)),
       "issued_too_long_ago"},
      {"another flow's nonce",
       token(kRs256, claims("", "\"crud-client\"", kNow - 5, kNow + 300, "other")),
       "nonce_mismatch"},
      {"no nonce",
       token(kRs256,
             "{\"iss\":\"https://id.example\",\"sub\":\"u\",\"aud\":\"crud-client\","
             "\"iat\":1700000000,\"exp\":1700000300}"),
       "nonce_mismatch"},
      {"exp as text",
       token(kRs256,
             "{\"iss\":\"https://id.example\",\"aud\":\"crud-client\","
             "\"iat\":1700000000,\"exp\":\"1700000300\"}"),
       "missing_time"},
      {"empty sub",
       token(kRs256,
             "{\"iss\":\"https://id.example\",\"sub\":\"\",\"aud\":\"crud-client\","
             "\"iat\":1700000000,\"exp\":1700000300,\"nonce\":\"n0nce\"}"),
       "bad_subject"},
      {"two parts", base64url_encode(kRs256) + "." + base64url_encode(claims()), "malformed"},
      {"four parts", token(kRs256, claims()) + ".x", "malformed"},
      {"payload not JSON", base64url_encode(kRs256) + "." + base64url_encode("{") + ".x",
       "malformed"},
      {"payload not base64url", base64url_encode(kRs256) + ".a+b.x", "malformed"},
  };
  for (const auto& c : cases) {
    IdTokenClaims out;
    std::string why;
    bool ok = check_id_token(c.token, kExpected, out, why);
    EXPECT_EQ(ok, std::string(c.why).empty()) << c.reason << " (" << why << ")";
    if (!ok) {
      EXPECT_EQ(why, c.why) << c.reason;
    }
  }
}

TEST(IdToken, HandsOutTheProfileClaims) {
  IdTokenClaims out;
  std::string why;
  ASSERT_TRUE(check_id_token(
      token(kRs256, claims(",\"preferred_username\":\"Ann\",\"name\":\"Ann B\",\"email\":\"a@x\"")),
      kExpected, out, why))
      << why;
  EXPECT_EQ(out.subject, "u-1");
  EXPECT_EQ(out.preferred_username, "Ann");
  EXPECT_EQ(out.name, "Ann B");
  EXPECT_EQ(out.email, "a@x");
}

}  // namespace
