// HS256 access tokens: strict base64url, the JWT_KEYS key ring, the RFC 7515
// example, signing, every verification rule and key rotation.
#include "crud/jwt.h"

#include <gtest/gtest.h>
#include <sodium.h>

#include <utility>
#include <vector>

#include "crud/config.h"

using namespace crud;

namespace {

class SodiumEnvironment : public ::testing::Environment {
 public:
  void SetUp() override { ASSERT_GE(sodium_init(), 0); }
};
[[maybe_unused]] ::testing::Environment* const kSodium =
    ::testing::AddGlobalTestEnvironment(new SodiumEnvironment);

constexpr std::int64_t kNow = 1'700'000'000;
constexpr std::int64_t kLeeway = 30;
constexpr const char* kIssuer = "crud";
constexpr const char* kAudience = "crud-api";
const JwtCheck kCheck{kIssuer, kAudience, kNow, kLeeway};

// Test secrets: a fixed byte pattern, never a real key.
std::string secret_of(char fill, std::size_t size = 32) { return std::string(size, fill); }
std::string key_spec(const std::string& kid, const std::string& secret) {
  return kid + ":" + base64url_encode(secret);
}

AccessClaims good_claims() {
  AccessClaims c;
  c.iss = kIssuer;
  c.aud = kAudience;
  c.sub = "42";
  c.jti = "jti-1";
  c.role = "user";
  c.iat = kNow;
  c.nbf = kNow;
  c.exp = kNow + 900;
  c.ver = 3;
  return c;
}

// A compact token over arbitrary header and payload text, signed with secret.
std::string token_of(const std::string& header, const std::string& payload,
                     const std::string& secret) {
  std::string input = base64url_encode(header) + "." + base64url_encode(payload);
  return input + "." + hs256_sign(input, secret);
}

const std::string kHeader = R"({"alg":"HS256","typ":"JWT","kid":"k1"})";

// good_claims() as payload JSON, each claim's value given as raw JSON text.
using RawClaims = std::vector<std::pair<std::string, std::string>>;
RawClaims good_raw_claims() {
  return {{"iss", "\"crud\""},   {"sub", "\"42\""},     {"aud", "\"crud-api\""},
          {"iat", "1700000000"}, {"nbf", "1700000000"}, {"exp", "1700000900"},
          {"jti", "\"jti-1\""},  {"role", "\"user\""},  {"ver", "3"}};
}
std::string json_of(const RawClaims& claims) {
  std::string out = "{";
  for (const auto& [name, value] : claims)
    out += (out.size() > 1 ? "," : "") + ("\"" + name + "\":" + value);
  return out + "}";
}
// The good payload with one claim's raw JSON value replaced (added if absent).
std::string payload_with(const std::string& name, const std::string& value) {
  RawClaims claims = good_raw_claims();
  bool replaced = false;
  for (auto& claim : claims)
    if (claim.first == name) {
      claim.second = value;
      replaced = true;
    }
  if (!replaced) claims.emplace_back(name, value);
  return json_of(claims);
}
std::string payload_without(const std::string& name) {
  RawClaims claims;
  for (const auto& claim : good_raw_claims())
    if (claim.first != name) claims.push_back(claim);
  return json_of(claims);
}

std::vector<std::string> split_token(const std::string& token) {
  std::vector<std::string> parts;
  std::size_t start = 0, dot;
  while ((dot = token.find('.', start)) != std::string::npos) {
    parts.push_back(token.substr(start, dot - start));
    start = dot + 1;
  }
  parts.push_back(token.substr(start));
  return parts;
}

}  // namespace

struct DecodeCase {
  std::string input;
  std::optional<std::string> expected;
  const char* reason;
};

TEST(Base64Url, EncodeKnownVectors) {
  const std::pair<std::string, std::string> cases[] = {
      {"", ""},           {"f", "Zg"},          {"fo", "Zm8"},          {"foo", "Zm9v"},
      {"foob", "Zm9vYg"}, {"fooba", "Zm9vYmE"}, {"foobar", "Zm9vYmFy"}, {"\xfb\xff", "-_8"},
  };
  for (const auto& [bytes, text] : cases) EXPECT_EQ(base64url_encode(bytes), text) << text;
}

TEST(Base64Url, RoundTripsEveryByteAndLength) {
  std::string all;
  for (int b = 0; b < 256; ++b) all += static_cast<char>(b);
  for (std::size_t n = 0; n <= all.size(); ++n) {
    std::string bytes = all.substr(all.size() - n);
    EXPECT_EQ(base64url_decode(base64url_encode(bytes)), bytes) << n << " bytes";
  }
}

TEST(Base64Url, DecodeTable) {
  const DecodeCase cases[] = {
      {"", "", "empty"},
      {"Zm9vYmFy", "foobar", "whole groups"},
      {"Zg", "f", "one byte, two characters"},
      {"Zm8", "fo", "two bytes, three characters"},
      {"-_8", "\xfb\xff", "url-safe alphabet"},
      {"QQ", "A", "canonical final character"},
      {"QR", std::nullopt, "non-zero unused bits after one byte"},
      {"Zh", std::nullopt, "non-zero unused bits, other letter"},
      {"Zm9", std::nullopt, "non-zero unused bits after two bytes"},
      {"Zg==", std::nullopt, "padding"},
      {"Zm8=", std::nullopt, "single padding character"},
      {"Zg=", std::nullopt, "partial padding"},
      {"+/8", std::nullopt, "standard alphabet '+' and '/'"},
      {"a+8", std::nullopt, "plus"},
      {"a/8", std::nullopt, "slash"},
      {"Zm9v Yg", std::nullopt, "inner space"},
      {"Zm9vYg\n", std::nullopt, "trailing newline"},
      {" Zg", std::nullopt, "leading space"},
      {"Z", std::nullopt, "length 1"},
      {"A", std::nullopt, "length 1, all bits zero"},
      {"Zm9vA", std::nullopt, "length 5, last character all zero bits"},
      {"Zm9vY", std::nullopt, "length 1 mod 4"},
      {"Zm.v", std::nullopt, "dot"},
      {std::string("Zm\0v", 4), std::nullopt, "NUL byte"},
      {"Zm\xc3\xa9", std::nullopt, "non-ASCII"},
  };
  for (const auto& c : cases) EXPECT_EQ(base64url_decode(c.input), c.expected) << c.reason;
}

// RFC 7515 appendix A.1: the HS256 example, its key taken from the JWK "k".
TEST(JwtRfc7515, AppendixA1) {
  const auto key = base64url_decode(
      "AyM1SysPpbyDfgZld3umj1qzKObwVMkoqQ-EstJQLr_T-1qS0gZH75aKtMN3Yj0iPS4hcgUuTwjAzZr1Z9CAow");
  ASSERT_TRUE(key.has_value());
  ASSERT_EQ(key->size(), 64u) << "64 bytes, not the 32 of the fixed-size API";
  const std::string input =
      "eyJ0eXAiOiJKV1QiLA0KICJhbGciOiJIUzI1NiJ9"
      "."
      "eyJpc3MiOiJqb2UiLA0KICJleHAiOjEzMDA4MTkzODAsDQogImh0dHA6Ly9leGFtcGxlLmNvbS9pc19yb290Ijp0cnVl"
      "fQ";
  const std::string sig = "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk";
  EXPECT_EQ(hs256_sign(input, *key), sig);

  struct Case {
    std::string input, sig, key;
    bool valid;
    const char* reason;
  };
  std::string other_key = *key;
  other_key[0] ^= 1;
  const Case cases[] = {
      {input, sig, *key, true, "the RFC's own serialization"},
      {input, "e" + sig.substr(1), *key, false, "first signature character changed"},
      {input, sig.substr(0, 42) + "l", *key, false, "last character: non-canonical bits"},
      {input, sig.substr(0, 42) + "o", *key, false, "last character: different byte"},
      {input, sig + "=", *key, false, "padded signature"},
      {input, sig.substr(0, 40), *key, false, "truncated signature"},
      {input, "", *key, false, "empty signature"},
      {"f" + input.substr(1), sig, *key, false, "signing input changed"},
      {input, sig, other_key, false, "one key bit changed"},
  };
  for (const auto& c : cases) EXPECT_EQ(hs256_valid(c.input, c.sig, c.key), c.valid) << c.reason;
}

TEST(KeyRing, ParsesKeysInOrder) {
  const auto ring =
      KeyRing::parse(key_spec("new", secret_of('n', 64)) + "," + key_spec("old", secret_of('o')));
  EXPECT_EQ(ring.signing_key().kid, "new");
  EXPECT_EQ(ring.signing_key().secret, secret_of('n', 64));
  ASSERT_NE(ring.find("old"), nullptr);
  EXPECT_EQ(ring.find("old")->secret, secret_of('o'));
  EXPECT_EQ(ring.find("other"), nullptr);
  EXPECT_EQ(ring.find(""), nullptr);
  EXPECT_EQ(ring.keys().size(), 2u);

  const auto single = KeyRing::parse(key_spec("A.b-c_9", secret_of('x')));
  EXPECT_EQ(single.signing_key().kid, "A.b-c_9") << "every allowed kid character class";
  EXPECT_NO_THROW(KeyRing::parse(key_spec(std::string(64, 'k'), secret_of('x')))) << "longest kid";
}

struct KeyRingErrorCase {
  std::string spec;
  const char* problem;  // expected in the message
  const char* reason;
};

TEST(KeyRing, RejectsBadSpec) {
  const std::string s = base64url_encode(secret_of('s'));
  const KeyRingErrorCase cases[] = {
      {"", "empty", "empty text"},
      {"k1", "missing ':'", "no colon"},
      {s, "missing ':'", "bare secret, no kid"},
      {"k1:" + s + ",", "missing ':'", "trailing comma"},
      {"," + key_spec("k1", secret_of('s')), "missing ':'", "leading comma"},
      {":" + s, "empty kid", "empty kid"},
      {"k1:" + s + ",k1:" + s, "duplicate kid", "same kid twice"},
      {"a b:" + s, "kid must", "space in kid"},
      {"k1:" + s + ", k2:" + s, "kid must", "space after comma"},
      {"k\xc3\xa9:" + s, "kid must", "non-ASCII kid"},
      {"k/1:" + s, "kid must", "slash in kid"},
      {std::string(65, 'k') + ":" + s, "kid must", "65-character kid"},
      {"k1:" + s + "=", "base64url", "padded secret"},
      {"k1:" + s.substr(0, 20) + "+" + s.substr(21), "base64url", "plus in secret"},
      {"k1:" + s + ":x", "base64url", "second colon"},
      {"k1:", "at least 32 bytes", "empty secret"},
      {key_spec("k1", secret_of('s', 31)), "at least 32 bytes", "31-byte secret"},
  };
  for (const auto& c : cases) {
    try {
      KeyRing::parse(c.spec);
      ADD_FAILURE() << "accepted: " << c.reason;
    } catch (const ConfigError& e) {
      std::string message = e.what();
      EXPECT_NE(message.find("JWT_KEYS"), std::string::npos) << c.reason << ": " << message;
      EXPECT_NE(message.find(c.problem), std::string::npos) << c.reason << ": " << message;
      EXPECT_EQ(message.find('\n'), std::string::npos) << c.reason;
      EXPECT_EQ(message.find(s.substr(0, 8)), std::string::npos) << "leaks secret: " << c.reason;
    }
  }
}

TEST(JwtSign, HeaderAndPayloadShape) {
  const auto ring = KeyRing::parse(key_spec("k1", secret_of('a')));
  const auto parts = split_token(sign_jwt(good_claims(), ring));
  ASSERT_EQ(parts.size(), 3u);
  EXPECT_EQ(base64url_decode(parts[0]), kHeader);
  EXPECT_EQ(base64url_decode(parts[1]), json_of(good_raw_claims()));
  EXPECT_TRUE(hs256_valid(parts[0] + "." + parts[1], parts[2], secret_of('a')));
}

TEST(JwtVerify, RoundTripReturnsClaims) {
  const auto ring = KeyRing::parse(key_spec("k1", secret_of('a')));
  AccessClaims claims = good_claims();
  claims.sub = "user \"quoted\" \xc3\xa9";  // escaping survives the trip
  const auto result = verify_jwt(sign_jwt(claims, ring), ring, kCheck);
  ASSERT_EQ(result.error, JwtError::none) << jwt_error_name(result.error);
  EXPECT_EQ(result.claims.iss, claims.iss);
  EXPECT_EQ(result.claims.aud, claims.aud);
  EXPECT_EQ(result.claims.sub, claims.sub);
  EXPECT_EQ(result.claims.jti, claims.jti);
  EXPECT_EQ(result.claims.role, claims.role);
  EXPECT_EQ(result.claims.iat, claims.iat);
  EXPECT_EQ(result.claims.nbf, claims.nbf);
  EXPECT_EQ(result.claims.exp, claims.exp);
  EXPECT_EQ(result.claims.ver, claims.ver);
}

struct VerifyCase {
  std::string token;
  JwtError expected;
  std::string reason;
};

TEST(JwtVerify, Table) {
  const std::string a = secret_of('a'), b = secret_of('b');
  const auto ring = KeyRing::parse(key_spec("k1", a) + "," + key_spec("k2", b));
  const std::string good = sign_jwt(good_claims(), ring);
  const auto parts = split_token(good);
  auto with_payload = [&](const std::string& payload) { return token_of(kHeader, payload, a); };
  auto with_header = [&](const std::string& header) {
    return token_of(header, json_of(good_raw_claims()), a);
  };
  auto with_time = [&](const char* name, std::int64_t value) {
    return with_payload(payload_with(name, std::to_string(value)));
  };
  std::string admin = json_of(good_raw_claims());
  admin.replace(admin.find("\"user\""), 6, "\"admin\"");

  std::vector<VerifyCase> cases = {
      {good, JwtError::none, "signed by sign_jwt"},
      {with_payload(json_of(good_raw_claims())), JwtError::none, "hand-built payload"},
      {token_of(R"({"alg":"HS256","typ":"JWT","kid":"k2"})", json_of(good_raw_claims()), b),
       JwtError::none, "second key of the ring"},
      {token_of(R"({"kid":"k1","alg":"HS256"})", json_of(good_raw_claims()), a), JwtError::none,
       "no typ, members reordered"},
      {with_payload(payload_with("extra", "{\"nested\":[1,2]}")), JwtError::none,
       "unknown claim ignored"},

      // Structure.
      {"", JwtError::malformed, "empty token"},
      {"..", JwtError::malformed, "three empty parts"},
      {parts[0] + "." + parts[1], JwtError::malformed, "two parts"},
      {good + "." + parts[2], JwtError::malformed, "four parts"},
      {good + ".", JwtError::malformed, "trailing dot"},
      {parts[0] + "=." + parts[1] + "." + parts[2], JwtError::malformed, "padded header"},
      {parts[0] + "." + parts[1] + "==." + parts[2], JwtError::malformed, "padded payload"},
      {good + "=", JwtError::malformed, "padded signature"},
      {" " + good, JwtError::malformed, "leading space"},
      {good + "\n", JwtError::malformed, "trailing newline"},
      {with_header("not json"), JwtError::malformed, "header not JSON"},
      {with_header(R"(["HS256"])"), JwtError::malformed, "header not an object"},
      {with_header(R"({"alg":"HS256","kid":"k1"} x)"), JwtError::malformed,
       "header with trailing text"},
      {with_header(R"({"alg":"none","alg":"HS256","kid":"k1"})"), JwtError::malformed,
       "duplicate alg"},
      {with_header(R"({"alg":"HS256","kid":"k1","crit":["exp"]})"), JwtError::malformed,
       "critical extension"},

      // Algorithm.
      {base64url_encode(R"({"alg":"none","typ":"JWT"})") + "." + parts[1] + ".",
       JwtError::unsupported_alg, "alg none, empty signature"},
      {base64url_encode(R"({"alg":"none","kid":"k1"})") + "." + parts[1] + ".",
       JwtError::unsupported_alg, "alg none with a known kid"},
      {with_header(R"({"alg":"HS512","kid":"k1"})"), JwtError::unsupported_alg, "HS512"},
      {with_header(R"({"alg":"RS256","kid":"k1"})"), JwtError::unsupported_alg, "RS256"},
      {with_header(R"({"alg":"hs256","kid":"k1"})"), JwtError::unsupported_alg, "lower case"},
      {with_header(R"({"alg":"HS256\u0000","kid":"k1"})"), JwtError::unsupported_alg,
       "NUL after HS256"},
      {with_header(R"({"alg":["HS256"],"kid":"k1"})"), JwtError::unsupported_alg, "alg an array"},
      {with_header(R"({"kid":"k1"})"), JwtError::unsupported_alg, "alg missing"},

      // Key id.
      {with_header(R"({"alg":"HS256","kid":"k9"})"), JwtError::unknown_kid, "kid not in ring"},
      {with_header(R"({"alg":"HS256"})"), JwtError::unknown_kid, "kid missing"},
      {with_header(R"({"alg":"HS256","kid":1})"), JwtError::unknown_kid, "kid a number"},
      {with_header(R"({"alg":"HS256","kid":["k1"]})"), JwtError::unknown_kid, "kid an array"},
      {with_header(R"({"alg":"HS256","kid":"K1"})"), JwtError::unknown_kid, "kid case differs"},

      // Signature.
      {parts[0] + "." + base64url_encode(admin) + "." + parts[2], JwtError::bad_signature,
       "payload re-encoded with role admin, original signature"},
      {base64url_encode(R"({"alg":"HS256","typ":"JWS","kid":"k1"})") + "." + parts[1] + "." +
           parts[2],
       JwtError::bad_signature, "header changed, original signature"},
      {token_of(kHeader, json_of(good_raw_claims()), b), JwtError::bad_signature,
       "kid k1 but signed with k2's secret"},
      {token_of(kHeader, json_of(good_raw_claims()), secret_of('z')), JwtError::bad_signature,
       "signed with a secret not in the ring"},
      {parts[0] + "." + parts[1] + ".", JwtError::bad_signature, "empty signature"},
      {parts[0] + "." + parts[1] + "." + parts[2].substr(0, 40), JwtError::bad_signature,
       "truncated signature"},
      {parts[0] + "." + parts[1] + "." + parts[2] + "AAAA", JwtError::bad_signature,
       "signature with extra bytes"},

      // Payload: only read once the signature holds.
      {with_payload("not json"), JwtError::malformed, "payload not JSON"},
      {with_payload("[]"), JwtError::malformed, "payload an array"},
      {with_payload(payload_with("role", "\"user\",\"role\":\"admin\"")), JwtError::malformed,
       "duplicate role claim"},
      {with_payload(payload_with("exp", "\"1700000900\"")), JwtError::missing_claim,
       "exp a string"},
      {with_payload(payload_with("exp", "1700000900.0")), JwtError::missing_claim,
       "exp a fraction"},
      {with_payload(payload_with("exp", "1.7000009e9")), JwtError::missing_claim,
       "exp with exponent"},
      {with_payload(payload_with("exp", "99999999999999999999")), JwtError::missing_claim,
       "exp beyond int64"},
      {with_payload(payload_with("ver", "null")), JwtError::missing_claim, "ver null"},
      {with_payload(payload_with("sub", "42")), JwtError::missing_claim, "sub a number"},
      {with_payload(payload_with("role", "true")), JwtError::missing_claim, "role a boolean"},
      {with_payload(payload_with("aud", "{}")), JwtError::missing_claim, "aud an object"},
      {with_payload(payload_with("aud", "[\"crud-api\",1]")), JwtError::missing_claim,
       "aud array with a number"},

      // Issuer and audience.
      {with_payload(payload_with("iss", "\"other\"")), JwtError::wrong_issuer, "other issuer"},
      {with_payload(payload_with("iss", "\"Crud\"")), JwtError::wrong_issuer, "issuer case"},
      {with_payload(payload_with("aud", "\"other\"")), JwtError::wrong_audience, "other audience"},
      {with_payload(payload_with("aud", "[\"other\",\"crud-api\"]")), JwtError::none,
       "audience array containing ours"},
      {with_payload(payload_with("aud", "[\"other\"]")), JwtError::wrong_audience,
       "audience array without ours"},
      {with_payload(payload_with("aud", "[]")), JwtError::wrong_audience, "empty audience array"},

      // Times, leeway 30 s.
      {with_time("exp", kNow - kLeeway - 1), JwtError::expired, "expired past the leeway"},
      {with_time("exp", kNow - kLeeway), JwtError::expired, "exp exactly now - leeway"},
      {with_time("exp", kNow - kLeeway + 1), JwtError::none, "expired, just inside leeway"},
      {with_time("exp", INT64_MIN), JwtError::expired, "exp at int64 minimum"},
      {with_time("nbf", kNow + kLeeway + 1), JwtError::not_yet_valid, "nbf past the leeway"},
      {with_time("nbf", kNow + kLeeway), JwtError::none, "nbf at the leeway edge"},
      {with_time("iat", kNow + kLeeway + 1), JwtError::issued_in_future, "iat in the future"},
      {with_time("iat", kNow + kLeeway), JwtError::none, "iat at the leeway edge"},
  };
  for (const char* claim : {"iss", "aud", "sub", "jti", "role", "iat", "nbf", "exp", "ver"})
    cases.push_back({with_payload(payload_without(claim)), JwtError::missing_claim,
                     std::string("missing ") + claim});

  for (const auto& c : cases) {
    const auto result = verify_jwt(c.token, ring, kCheck);
    EXPECT_EQ(jwt_error_name(result.error), std::string(jwt_error_name(c.expected))) << c.reason;
    if (result.error != JwtError::none) {
      EXPECT_TRUE(result.claims.sub.empty()) << "claims only on success: " << c.reason;
    }
  }
}

TEST(JwtVerify, TimeChecksDoNotOverflow) {
  const auto ring = KeyRing::parse(key_spec("k1", secret_of('a')));
  AccessClaims claims = good_claims();
  claims.exp = INT64_MAX;
  claims.nbf = claims.iat = INT64_MIN;
  const std::string widest = sign_jwt(claims, ring);
  claims.exp = INT64_MIN;
  const std::string never = sign_jwt(claims, ring);
  claims = good_claims();
  claims.exp = kNow + 10;
  const std::string short_lived = sign_jwt(claims, ring);

  struct Case {
    const std::string& token;
    JwtCheck check;
    JwtError expected;
    const char* reason;
  };
  const Case cases[] = {
      {widest, {kIssuer, kAudience, INT64_MAX, kLeeway}, JwtError::none, "now at int64 maximum"},
      {widest, {kIssuer, kAudience, INT64_MIN, kLeeway}, JwtError::none, "now at int64 minimum"},
      {widest, {kIssuer, kAudience, kNow, INT64_MAX}, JwtError::none, "largest leeway"},
      {never, {kIssuer, kAudience, INT64_MIN, kLeeway}, JwtError::expired, "exp at int64 minimum"},
      {never,
       {kIssuer, kAudience, kNow, INT64_MAX},
       JwtError::expired,
       "exp at minimum, largest leeway"},
      {short_lived,
       {kIssuer, kAudience, kNow, -1000},
       JwtError::none,
       "negative leeway counts as zero"},
  };
  for (const auto& c : cases)
    EXPECT_EQ(jwt_error_name(verify_jwt(c.token, ring, c.check).error),
              std::string(jwt_error_name(c.expected)))
        << c.reason;
}

// A valid token of exactly `size` bytes: a padding claim sets the length, an
// ignored header member the length mod 4 (base64url never ends at 1 mod 4).
std::string token_of_size(std::size_t size) {
  for (std::size_t header_pad = 0; header_pad < 4; ++header_pad) {
    std::string header =
        R"({"alg":"HS256","kid":"k1","x":")" + std::string(header_pad, 'h') + "\"}";
    for (std::size_t pad = 0;; ++pad) {
      std::string payload = payload_with("pad", "\"" + std::string(pad, 'p') + "\"");
      std::string token = token_of(header, payload, secret_of('a'));
      if (token.size() == size) return token;
      if (token.size() > size) break;
    }
  }
  return "";
}

TEST(JwtVerify, RefusesTokensOver4096Bytes) {
  const auto ring = KeyRing::parse(key_spec("k1", secret_of('a')));
  const std::string at_limit = token_of_size(4096), over_limit = token_of_size(4097);
  ASSERT_EQ(at_limit.size(), 4096u);
  ASSERT_EQ(over_limit.size(), 4097u);
  EXPECT_EQ(verify_jwt(at_limit, ring, kCheck).error, JwtError::none) << "exactly 4096 bytes";
  EXPECT_EQ(verify_jwt(over_limit, ring, kCheck).error, JwtError::malformed) << "4097 bytes";
  EXPECT_EQ(verify_jwt(std::string(100000, 'A'), ring, kCheck).error, JwtError::malformed)
      << "100 kB of base64url";
}

TEST(JwtKeyRotation, OldTokensVerifyUntilTheOldKeyIsDropped) {
  const std::string old_secret = secret_of('o'), new_secret = secret_of('n');
  const auto before = KeyRing::parse(key_spec("old", old_secret));
  const auto during =
      KeyRing::parse(key_spec("new", new_secret) + "," + key_spec("old", old_secret));
  const auto after = KeyRing::parse(key_spec("new", new_secret));
  const auto impostor = KeyRing::parse(key_spec("old", secret_of('i')));

  const std::string old_token = sign_jwt(good_claims(), before);
  const std::string new_token = sign_jwt(good_claims(), during);
  const std::string forged = sign_jwt(good_claims(), impostor);

  struct Case {
    const std::string& token;
    const KeyRing& ring;
    JwtError expected;
    const char* reason;
  };
  const Case cases[] = {
      {old_token, before, JwtError::none, "old key, old ring"},
      {old_token, during, JwtError::none, "old token during rotation"},
      {new_token, during, JwtError::none, "new token during rotation"},
      {new_token, before, JwtError::unknown_kid, "new token on a ring without the new key"},
      {old_token, after, JwtError::unknown_kid, "old token after the old key is dropped"},
      {new_token, after, JwtError::none, "new token after rotation"},
      {forged, during, JwtError::bad_signature, "kid old, secret not the ring's"},
  };
  for (const auto& c : cases)
    EXPECT_EQ(jwt_error_name(verify_jwt(c.token, c.ring, kCheck).error),
              std::string(jwt_error_name(c.expected)))
        << c.reason;
  EXPECT_EQ(split_token(new_token)[0],
            base64url_encode(R"({"alg":"HS256","typ":"JWT","kid":"new"})"))
      << "the first key signs";
}

TEST(JwtErrorName, NamesEveryError) {
  const std::pair<JwtError, const char*> cases[] = {
      {JwtError::none, "none"},
      {JwtError::malformed, "malformed"},
      {JwtError::unsupported_alg, "unsupported_alg"},
      {JwtError::unknown_kid, "unknown_kid"},
      {JwtError::bad_signature, "bad_signature"},
      {JwtError::expired, "expired"},
      {JwtError::not_yet_valid, "not_yet_valid"},
      {JwtError::issued_in_future, "issued_in_future"},
      {JwtError::wrong_issuer, "wrong_issuer"},
      {JwtError::wrong_audience, "wrong_audience"},
      {JwtError::missing_claim, "missing_claim"},
  };
  for (const auto& [error, name] : cases) EXPECT_STREQ(jwt_error_name(error), name);
}
