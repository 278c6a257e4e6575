// ID-token claim checks (OIDC Core 3.1.3.7) over RapidJSON. Every failure is
// named, for the log; the client only learns that the token was refused.
#include "crud/id_token.h"

#include <rapidjson/document.h>

#include "crud/jwt.h"

namespace crud {

static bool decode_json(std::string_view part, rapidjson::Document& doc) {
  auto text = base64url_decode(part);
  if (!text) return false;
  doc.Parse(text->data(), text->size());
  return !doc.HasParseError() && doc.IsObject();
}

static std::string string_claim(const rapidjson::Document& doc, const char* name) {
  auto it = doc.FindMember(name);
  if (it == doc.MemberEnd() || !it->value.IsString()) return "";
  return {it->value.GetString(), it->value.GetStringLength()};
}

static bool int_claim(const rapidjson::Document& doc, const char* name, std::int64_t& out) {
  auto it = doc.FindMember(name);
  if (it == doc.MemberEnd() || !it->value.IsInt64()) return false;
  out = it->value.GetInt64();
  return true;
}

// "aud" is the client id, or an array holding it; with other audiences too,
// "azp" must name this client.
static bool audience_ok(const rapidjson::Document& doc, std::string_view client_id) {
  auto it = doc.FindMember("aud");
  if (it == doc.MemberEnd()) return false;
  if (it->value.IsString()) return client_id == it->value.GetString();
  if (!it->value.IsArray() || it->value.Empty()) return false;
  bool listed = false;
  for (const auto& aud : it->value.GetArray())
    if (aud.IsString() && client_id == aud.GetString()) listed = true;
  if (!listed) return false;
  return it->value.Size() == 1 || string_claim(doc, "azp") == client_id;
}

static bool refuse(std::string& why, const char* check) {
  why = check;
  return false;
}

bool check_id_token(std::string_view token, const IdTokenExpectation& expected,
                    IdTokenClaims& claims, std::string& why) {
  auto dot1 = token.find('.');
  auto dot2 = dot1 == std::string_view::npos ? dot1 : token.find('.', dot1 + 1);
  if (dot2 == std::string_view::npos || token.find('.', dot2 + 1) != std::string_view::npos)
    return refuse(why, "malformed");
  rapidjson::Document header, payload;
  if (!decode_json(token.substr(0, dot1), header) ||
      !decode_json(token.substr(dot1 + 1, dot2 - dot1 - 1), payload))
    return refuse(why, "malformed");
  std::string alg = string_claim(header, "alg");
  if (alg.empty() || alg == "none") return refuse(why, "unsigned");

  if (string_claim(payload, "iss") != expected.issuer) return refuse(why, "wrong_issuer");
  if (!audience_ok(payload, expected.client_id)) return refuse(why, "wrong_audience");
  std::int64_t exp = 0, iat = 0;
  if (!int_claim(payload, "exp", exp) || !int_claim(payload, "iat", iat))
    return refuse(why, "missing_time");
  if (exp + expected.leeway_s <= expected.now) return refuse(why, "expired");
  if (iat > expected.now + expected.leeway_s) return refuse(why, "issued_in_future");
  if (iat + expected.max_age_s < expected.now) return refuse(why, "issued_too_long_ago");
  if (expected.nonce.empty() || string_claim(payload, "nonce") != expected.nonce)
    return refuse(why, "nonce_mismatch");
  claims.subject = string_claim(payload, "sub");
  if (claims.subject.empty() || claims.subject.size() > 255) return refuse(why, "bad_subject");
  claims.preferred_username = string_claim(payload, "preferred_username");
  claims.name = string_claim(payload, "name");
  claims.email = string_claim(payload, "email");
  return true;
}

}  // namespace crud
