// HS256 access tokens as declared in jwt.h. Verification is ordered so that
// nothing from the payload is trusted before the signature has been checked,
// and each step fails closed.
#include "crud/jwt.h"

#include <sodium.h>

#include <array>
#include <limits>
#include <set>
#include <stdexcept>

#include "crud/config.h"
#include "crud/json.h"

namespace crud {

namespace {

constexpr char kAlphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
constexpr std::size_t kMaxTokenBytes = 4096;
constexpr std::size_t kMinSecretBytes = 32;
constexpr std::size_t kMaxKidChars = 64;
using Mac = std::array<unsigned char, crypto_auth_hmacsha256_BYTES>;

int base64url_value(char ch) {
  if (ch >= 'A' && ch <= 'Z') return ch - 'A';
  if (ch >= 'a' && ch <= 'z') return ch - 'a' + 26;
  if (ch >= '0' && ch <= '9') return ch - '0' + 52;
  if (ch == '-') return 62;
  if (ch == '_') return 63;
  return -1;
}

// libsodium wants a pointer even for zero bytes; an empty view may have none.
const unsigned char* bytes_of(std::string_view s) {
  static const unsigned char kNothing = 0;
  return s.empty() ? &kNothing : reinterpret_cast<const unsigned char*>(s.data());
}

Mac hmac_sha256(std::string_view input, std::string_view secret) {
  // The init/update/final API accepts keys of any length (hashing long ones).
  crypto_auth_hmacsha256_state state;
  Mac mac{};
  bool ok = crypto_auth_hmacsha256_init(&state, bytes_of(secret), secret.size()) == 0 &&
            crypto_auth_hmacsha256_update(&state, bytes_of(input), input.size()) == 0 &&
            crypto_auth_hmacsha256_final(&state, mac.data()) == 0;
  sodium_memzero(&state, sizeof state);  // the state holds the padded key
  if (!ok) throw std::runtime_error("HMAC-SHA-256 failed");
  return mac;
}

bool signature_matches(std::string_view input, std::string_view signature,
                       std::string_view secret) {
  if (signature.size() != crypto_auth_hmacsha256_BYTES) return false;
  Mac mac = hmac_sha256(input, secret);
  return crypto_verify_32(mac.data(), bytes_of(signature)) == 0;
}

// Parses one JSON object whose member names are unique; false otherwise.
// Duplicates are refused so that no two readers can disagree on a value.
bool parse_object(const std::string& text, rapidjson::Document& doc) {
  constexpr unsigned kFlags =
      rapidjson::kParseIterativeFlag | rapidjson::kParseValidateEncodingFlag;
  doc.Parse<kFlags>(text.data(), text.size());
  if (doc.HasParseError() || !doc.IsObject()) return false;
  std::set<std::string_view> seen;
  for (const auto& member : doc.GetObject())
    if (!seen.insert({member.name.GetString(), member.name.GetStringLength()}).second) return false;
  return true;
}

std::string_view view_of(const rapidjson::Value& v) { return {v.GetString(), v.GetStringLength()}; }

const rapidjson::Value* member(const rapidjson::Value& obj, const char* name) {
  auto it = obj.FindMember(name);
  return it == obj.MemberEnd() ? nullptr : &it->value;
}

bool read_string(const rapidjson::Value& obj, const char* name, std::string& out) {
  const auto* v = member(obj, name);
  if (!v || !v->IsString()) return false;
  out.assign(v->GetString(), v->GetStringLength());
  return true;
}

bool read_int(const rapidjson::Value& obj, const char* name, std::int64_t& out) {
  const auto* v = member(obj, name);
  if (!v || !v->IsInt64()) return false;  // 1.0, 1e3 and "1" are not integers here
  out = v->GetInt64();
  return true;
}

// now +/- leeway must not overflow whatever the caller passes; b is a
// non-negative leeway in both.
std::int64_t saturating_add(std::int64_t a, std::int64_t b) {
  constexpr auto kMax = std::numeric_limits<std::int64_t>::max();
  if (b > 0 && a > kMax - b) return kMax;
  return a + b;
}

std::int64_t saturating_sub(std::int64_t a, std::int64_t b) {
  constexpr auto kMin = std::numeric_limits<std::int64_t>::min();
  if (b > 0 && a < kMin + b) return kMin;
  return a - b;
}

[[noreturn]] void bad_key(std::size_t index, const std::string& problem) {
  throw ConfigError("JWT_KEYS: key " + std::to_string(index) + ": " + problem);
}

bool valid_kid(std::string_view kid) {
  if (kid.empty() || kid.size() > kMaxKidChars) return false;
  for (char ch : kid) {
    bool ok = (ch >= 'A' && ch <= 'Z') || (ch >= 'a' && ch <= 'z') || (ch >= '0' && ch <= '9') ||
              ch == '_' || ch == '.' || ch == '-';
    if (!ok) return false;
  }
  return true;
}

}  // namespace

std::string base64url_encode(std::string_view bytes) {
  std::string out;
  out.reserve((bytes.size() * 4 + 2) / 3);
  auto byte = [&](std::size_t i) { return static_cast<std::uint32_t>(bytes[i] & 0xFF); };
  auto put = [&](std::uint32_t group, int chars) {
    for (int k = 0; k < chars; ++k) out += kAlphabet[(group >> (18 - 6 * k)) & 0x3F];
  };
  std::size_t i = 0;
  for (; i + 3 <= bytes.size(); i += 3) put(byte(i) << 16 | byte(i + 1) << 8 | byte(i + 2), 4);
  if (bytes.size() - i == 1) put(byte(i) << 16, 2);
  if (bytes.size() - i == 2) put(byte(i) << 16 | byte(i + 1) << 8, 3);
  return out;
}

std::optional<std::string> base64url_decode(std::string_view text) {
  if (text.size() % 4 == 1) return std::nullopt;  // one char cannot hold a whole byte
  std::string out;
  out.reserve(text.size() * 3 / 4);
  std::uint32_t pending = 0;  // bits read but not yet emitted, `bits` of them
  int bits = 0;
  for (char ch : text) {
    int value = base64url_value(ch);
    if (value < 0) return std::nullopt;
    pending = pending << 6 | static_cast<std::uint32_t>(value);
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out += static_cast<char>((pending >> bits) & 0xFF);
      pending &= (1u << bits) - 1;
    }
  }
  // Leftover bits pad the last character; non-zero ones would give a second
  // spelling of the same bytes.
  if (pending != 0) return std::nullopt;
  return out;
}

KeyRing KeyRing::parse(std::string_view spec) {
  if (spec.empty())
    throw ConfigError("JWT_KEYS is empty: expected kid:BASE64URL_SECRET[,kid:BASE64URL_SECRET...]");
  KeyRing ring;
  std::size_t start = 0;
  for (std::size_t index = 1;; ++index) {
    std::size_t comma = spec.find(',', start);
    std::string_view entry =
        spec.substr(start, comma == std::string_view::npos ? comma : comma - start);
    // Entries are never echoed: a malformed one may well be a bare secret.
    std::size_t colon = entry.find(':');
    if (colon == std::string_view::npos) bad_key(index, "missing ':' between kid and secret");
    std::string_view kid = entry.substr(0, colon);
    if (kid.empty()) bad_key(index, "empty kid");
    if (!valid_kid(kid)) bad_key(index, "kid must be 1-64 characters of [A-Za-z0-9_.-]");
    if (ring.find(kid)) bad_key(index, "duplicate kid \"" + std::string(kid) + "\"");
    auto secret = base64url_decode(entry.substr(colon + 1));
    if (!secret) bad_key(index, "secret is not unpadded base64url");
    if (secret->size() < kMinSecretBytes)
      bad_key(index, "secret must be at least " + std::to_string(kMinSecretBytes) + " bytes");
    ring.keys_.push_back({std::string(kid), std::move(*secret)});
    if (comma == std::string_view::npos) break;
    start = comma + 1;
  }
  return ring;
}

const JwtKey* KeyRing::find(std::string_view kid) const {
  for (const auto& key : keys_)
    if (key.kid == kid) return &key;
  return nullptr;
}

std::string hs256_sign(std::string_view signing_input, std::string_view secret) {
  Mac mac = hmac_sha256(signing_input, secret);
  return base64url_encode({reinterpret_cast<const char*>(mac.data()), mac.size()});
}

bool hs256_valid(std::string_view signing_input, std::string_view sig_b64url,
                 std::string_view secret) {
  auto signature = base64url_decode(sig_b64url);
  return signature && signature_matches(signing_input, *signature, secret);
}

std::string sign_jwt(const AccessClaims& claims, const KeyRing& keys) {
  const JwtKey& key = keys.signing_key();
  JsonWriter header, payload;
  header.begin_object().field("alg", "HS256").field("typ", "JWT").field("kid", key.kid);
  header.end_object();
  payload.begin_object()
      .field("iss", claims.iss)
      .field("sub", claims.sub)
      .field("aud", claims.aud)
      .field("iat", claims.iat)
      .field("nbf", claims.nbf)
      .field("exp", claims.exp)
      .field("jti", claims.jti)
      .field("role", claims.role)
      .field("ver", claims.ver)
      .end_object();
  std::string token = base64url_encode(header.str()) + '.' + base64url_encode(payload.str());
  return token + '.' + hs256_sign(token, key.secret);
}

const char* jwt_error_name(JwtError e) {
  switch (e) {
    case JwtError::none:
      return "none";
    case JwtError::malformed:
      return "malformed";
    case JwtError::unsupported_alg:
      return "unsupported_alg";
    case JwtError::unknown_kid:
      return "unknown_kid";
    case JwtError::bad_signature:
      return "bad_signature";
    case JwtError::expired:
      return "expired";
    case JwtError::not_yet_valid:
      return "not_yet_valid";
    case JwtError::issued_in_future:
      return "issued_in_future";
    case JwtError::wrong_issuer:
      return "wrong_issuer";
    case JwtError::wrong_audience:
      return "wrong_audience";
    case JwtError::missing_claim:
      return "missing_claim";
  }
  return "unknown";
}

JwtResult verify_jwt(std::string_view token, const KeyRing& keys, const JwtCheck& check) {
  auto fail = [](JwtError e) { return JwtResult{e, {}}; };
  if (token.size() > kMaxTokenBytes) return fail(JwtError::malformed);
  std::size_t dot1 = token.find('.');
  std::size_t dot2 = dot1 == std::string_view::npos ? dot1 : token.find('.', dot1 + 1);
  if (dot2 == std::string_view::npos || token.find('.', dot2 + 1) != std::string_view::npos)
    return fail(JwtError::malformed);
  auto header_json = base64url_decode(token.substr(0, dot1));
  auto payload_json = base64url_decode(token.substr(dot1 + 1, dot2 - dot1 - 1));
  auto signature = base64url_decode(token.substr(dot2 + 1));
  if (!header_json || !payload_json || !signature) return fail(JwtError::malformed);

  rapidjson::Document header;
  if (!parse_object(*header_json, header)) return fail(JwtError::malformed);
  // "crit" names extensions the verifier must understand; we understand none.
  if (member(header, "crit")) return fail(JwtError::malformed);
  const auto* alg = member(header, "alg");
  if (!alg || !alg->IsString() || view_of(*alg) != "HS256") return fail(JwtError::unsupported_alg);
  const auto* kid = member(header, "kid");
  const JwtKey* key = kid && kid->IsString() ? keys.find(view_of(*kid)) : nullptr;
  if (!key) return fail(JwtError::unknown_kid);
  if (!signature_matches(token.substr(0, dot2), *signature, key->secret))
    return fail(JwtError::bad_signature);

  rapidjson::Document payload;
  if (!parse_object(*payload_json, payload)) return fail(JwtError::malformed);
  AccessClaims claims;
  bool complete =
      read_string(payload, "iss", claims.iss) && read_string(payload, "sub", claims.sub) &&
      read_string(payload, "jti", claims.jti) && read_string(payload, "role", claims.role) &&
      read_int(payload, "iat", claims.iat) && read_int(payload, "nbf", claims.nbf) &&
      read_int(payload, "exp", claims.exp) && read_int(payload, "ver", claims.ver);
  // RFC 7519 allows "aud" as one string or an array of strings.
  const auto* aud = member(payload, "aud");
  bool aud_matches = false;
  if (aud && aud->IsString()) {
    aud_matches = view_of(*aud) == check.audience;
  } else if (aud && aud->IsArray()) {
    for (const auto& entry : aud->GetArray()) {
      if (!entry.IsString()) return fail(JwtError::missing_claim);
      aud_matches = aud_matches || view_of(entry) == check.audience;
    }
  } else {
    complete = false;
  }
  if (!complete) return fail(JwtError::missing_claim);
  if (claims.iss != check.issuer) return fail(JwtError::wrong_issuer);
  if (!aud_matches) return fail(JwtError::wrong_audience);
  claims.aud = std::string(check.audience);
  if (JwtError e = jwt_time_error(claims, check); e != JwtError::none) return fail(e);
  return {JwtError::none, std::move(claims)};
}

JwtError jwt_time_error(const AccessClaims& claims, const JwtCheck& check) {
  std::int64_t leeway = check.leeway_s > 0 ? check.leeway_s : 0;
  std::int64_t latest = saturating_add(check.now, leeway);
  if (claims.exp <= saturating_sub(check.now, leeway)) return JwtError::expired;
  if (claims.nbf > latest) return JwtError::not_yet_valid;
  if (claims.iat > latest) return JwtError::issued_in_future;
  return JwtError::none;
}

}  // namespace crud
