// Access tokens: the claims of the JWT a login hands out, and every way a
// presented token can be wrong (tampered, unsigned, other algorithm, other
// key, expired, not for this service) refused with 401 invalid_token.
#include <gtest/gtest.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include <functional>
#include <string>
#include <type_traits>

#include "support/auth_client.h"
#include "support/http_client.h"
#include "support/json_checks.h"
#include "support/jwt_forge.h"
#include "support/param_name.h"
#include "support/test_data.h"
#include "support/totp_codes.h"

namespace itest {
namespace {

std::string to_json(const rapidjson::Value& v) {
  rapidjson::StringBuffer out;
  rapidjson::Writer<rapidjson::StringBuffer> writer(out);
  v.Accept(writer);
  return out.GetString();
}

// `json` with member `key` set to `value` (a string or an integer).
template <class T>
std::string with_member(const std::string& json, const char* key, T value) {
  auto doc = parse_json(json);
  auto& a = doc.GetAllocator();
  rapidjson::Value v;
  if constexpr (std::is_same_v<T, const char*>) {
    v.SetString(value, a);
  } else {
    v.SetInt64(value);
  }
  if (doc.HasMember(key)) {
    doc[key] = v;
  } else {
    doc.AddMember(rapidjson::Value(key, a), v, a);
  }
  return to_json(doc);
}

Response get_me(const std::string& authorization) {
  return request("GET", "/api/me", std::nullopt, {{"Authorization", authorization}});
}

TEST(AccessToken, IsHs256JwtWithTheContractClaims) {
  const auto user = create_user();
  const auto before = unix_now();
  const auto tokens = login_ok(user);
  const auto parts = split_jwt(tokens.access_token);
  ASSERT_TRUE(parts.has_value()) << tokens.access_token;

  const auto header = parse_json(parts->header);
  EXPECT_EQ(string_member(header, "alg"), "HS256") << parts->header;
  EXPECT_EQ(string_member(header, "kid"), stack_signing_key().kid) << parts->header;

  const auto claims = parse_json(parts->payload);
  ASSERT_TRUE(claims.IsObject()) << parts->payload;
  EXPECT_EQ(string_member(claims, "iss"), "crud");
  EXPECT_EQ(string_member(claims, "aud"), "crud-api");
  EXPECT_EQ(string_member(claims, "sub"), std::to_string(user.id));
  EXPECT_EQ(string_member(claims, "role"), "user");
  EXPECT_FALSE(string_member(claims, "jti").empty());
  EXPECT_TRUE(int64_member(claims, "ver").has_value()) << parts->payload;
  const auto iat = int64_member(claims, "iat").value_or(0);
  // Same host clock; a little slack for a slow (sanitizer) run.
  EXPECT_GE(iat, before - 5);
  EXPECT_LE(iat, unix_now() + 5);
  EXPECT_LE(int64_member(claims, "nbf").value_or(iat + 1), iat) << parts->payload;
  EXPECT_EQ(int64_member(claims, "exp").value_or(0), iat + 900) << parts->payload;
  // The token must not carry secrets of the user.
  EXPECT_EQ(parts->payload.find(user.password), std::string::npos);
}

TEST(AccessToken, EveryTokenHasItsOwnJti) {
  const auto user = create_user();
  const auto a = split_jwt(login_ok(user).access_token);
  const auto b = split_jwt(login_ok(user).access_token);
  ASSERT_TRUE(a && b);
  EXPECT_NE(string_member(parse_json(a->payload), "jti"),
            string_member(parse_json(b->payload), "jti"));
}

TEST(AccessToken, MeReturnsTheCaller) {
  const auto user = create_user();
  const auto r = get_me("Bearer " + login_ok(user).access_token);
  ASSERT_TRUE(IsJsonResponse(r, 200));
  const auto doc = parse_json(r.body);
  ASSERT_TRUE(doc.IsObject());
  EXPECT_EQ(doc.MemberCount(), 6u) << r.body;
  EXPECT_EQ(int64_member(doc, "user_id"), user.id);
  EXPECT_EQ(string_member(doc, "username"), user.username);
  EXPECT_TRUE(is_rfc3339_utc(string_member(doc, "created_at"))) << r.body;
  EXPECT_TRUE(is_rfc3339_utc(string_member(doc, "updated_at"))) << r.body;
  EXPECT_EQ(string_member(doc, "role"), "user");
  ASSERT_TRUE(doc.HasMember("totp_enabled") && doc["totp_enabled"].IsBool()) << r.body;
  EXPECT_FALSE(doc["totp_enabled"].GetBool());
}

// RFC 9110 section 11.1: the authentication scheme is case-insensitive.
TEST(AccessToken, SchemeInAnyLetterCase) {
  const auto user = create_user();
  const std::string token = login_ok(user).access_token;
  for (const char* scheme : {"bearer ", "BEARER "}) {
    const auto r = get_me(scheme + token);
    EXPECT_TRUE(IsJsonResponse(r, 200)) << scheme;
  }
}

// How to turn a genuine token into the one a row presents: the whole
// Authorization header value.
struct TokenCase {
  const char* reason;
  std::function<std::string(const JwtParts& genuine)> authorization;
};

// The genuine claims re-signed with the stack's own key after `change`.
std::string resigned(const JwtParts& genuine,
                     const std::function<std::string(const std::string&)>& change) {
  const auto key = stack_signing_key();
  return "Bearer " + sign_jwt(genuine.header, change(genuine.payload), key.secret);
}

// Control: with nothing changed, our own signature is the service's.
TEST(AccessToken, ReSignedWithTheStackKeyIsAccepted) {
  const auto user = create_user();
  const auto parts = split_jwt(login_ok(user).access_token);
  ASSERT_TRUE(parts.has_value());
  const auto r = get_me(resigned(*parts, [](const std::string& p) { return p; }));
  ASSERT_TRUE(IsJsonResponse(r, 200));
  EXPECT_EQ(int64_member(parse_json(r.body), "user_id"), user.id);
}

const TokenCase kBadTokens[] = {
    {"payload_role_admin_signature_kept",
     [](const JwtParts& t) {
       return "Bearer " +
              assemble_jwt(t.header, with_member(t.payload, "role", "admin"), t.signature);
     }},
    {"payload_sub_changed_signature_kept",
     [](const JwtParts& t) {
       return "Bearer " + assemble_jwt(t.header, with_member(t.payload, "sub", "1"), t.signature);
     }},
    {"alg_none_empty_signature",
     [](const JwtParts& t) {
       return "Bearer " + assemble_jwt(with_member(t.header, "alg", "none"), t.payload, "");
     }},
    {"alg_none_signature_kept",
     [](const JwtParts& t) {
       return "Bearer " +
              assemble_jwt(with_member(t.header, "alg", "none"), t.payload, t.signature);
     }},
    {"alg_hs512_with_stack_key",
     [](const JwtParts& t) {
       return "Bearer " + sign_jwt(with_member(t.header, "alg", "HS512"), t.payload,
                                   stack_signing_key().secret, Mac::hs512);
     }},
    {"signed_with_other_secret",
     [](const JwtParts& t) {
       return "Bearer " + sign_jwt(t.header, t.payload, std::string(32, '\x42'));
     }},
    {"unknown_kid_with_stack_key",
     [](const JwtParts& t) {
       return "Bearer " +
              sign_jwt(with_member(t.header, "kid", "nope"), t.payload, stack_signing_key().secret);
     }},
    {"expired_an_hour_ago",
     [](const JwtParts& t) {
       return resigned(t, [](const std::string& p) {
         const auto now = unix_now();
         return with_member(with_member(with_member(p, "iat", now - 7200), "nbf", now - 7200),
                            "exp", now - 3600);
       });
     }},
    {"not_valid_for_an_hour",
     [](const JwtParts& t) {
       return resigned(
           t, [](const std::string& p) { return with_member(p, "nbf", unix_now() + 3600); });
     }},
    {"other_audience",
     [](const JwtParts& t) {
       return resigned(t, [](const std::string& p) { return with_member(p, "aud", "other-api"); });
     }},
    {"other_issuer",
     [](const JwtParts& t) {
       return resigned(t, [](const std::string& p) { return with_member(p, "iss", "evil"); });
     }},
    {"signature_cut_short",
     [](const JwtParts& t) {
       return "Bearer " + assemble_jwt(t.header, t.payload, t.signature.substr(0, 10));
     }},
    {"garbage", [](const JwtParts&) { return std::string("Bearer garbage"); }},
    {"three_empty_parts", [](const JwtParts&) { return std::string("Bearer .."); }},
    {"basic_scheme", [](const JwtParts&) { return std::string("Basic xyz"); }},
    {"empty_bearer", [](const JwtParts&) { return std::string("Bearer "); }},
    {"token_without_scheme",
     [](const JwtParts& t) { return assemble_jwt(t.header, t.payload, t.signature); }},
};

class BadAccessToken : public testing::TestWithParam<TokenCase> {};

TEST_P(BadAccessToken, Is401InvalidToken) {
  const auto user = create_user();
  const auto genuine = split_jwt(login_ok(user).access_token);
  ASSERT_TRUE(genuine.has_value());
  const std::string authorization = GetParam().authorization(*genuine);
  const auto me = get_me(authorization);
  EXPECT_TRUE(IsApiError(me, 401, "invalid_token")) << GetParam().reason << "\n" << authorization;
  // The same refusal where the token would read a user.
  const auto read = request("GET", "/api/users/" + std::to_string(user.id), std::nullopt,
                            {{"Authorization", authorization}});
  EXPECT_TRUE(IsApiError(read, 401, "invalid_token")) << GetParam().reason;
}

INSTANTIATE_TEST_SUITE_P(Tokens, BadAccessToken, testing::ValuesIn(kBadTokens), ReasonName());

}  // namespace
}  // namespace itest
