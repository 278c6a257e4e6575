// Access tokens: JWT (RFC 7519) in compact form, HS256 only, signed and
// verified with libsodium's HMAC-SHA-256. The algorithm is pinned, the key is
// chosen by "kid" from a configured key ring (so keys rotate without logging
// everyone out), and every check fails closed with a named error.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace crud {

// base64url (RFC 4648 section 5) without padding.
std::string base64url_encode(std::string_view bytes);
// Strict inverse of base64url_encode: nullopt on '=', '+', '/', whitespace, any
// character outside [A-Za-z0-9_-], a length of 1 mod 4, or non-zero unused
// trailing bits (so every byte string has exactly one accepted spelling).
std::optional<std::string> base64url_decode(std::string_view text);

struct JwtKey {
  std::string kid;
  std::string secret;  // raw bytes, at least 32
};

// The configured signing keys (setting JWT_KEYS). The first key signs; every
// key verifies. To rotate: put the new key first, keep the old one until the
// tokens it signed have expired, then drop it.
class KeyRing {
 public:
  // Parses "kid1:BASE64URL_SECRET,kid2:BASE64URL_SECRET"; throws ConfigError
  // (one line naming JWT_KEYS, never a secret) on empty text, a missing ':', an
  // empty, duplicate or malformed kid ([A-Za-z0-9_.-]{1,64}), bad base64url or
  // a secret shorter than 32 bytes.
  static KeyRing parse(std::string_view spec);
  // The key new tokens are signed with (the first one configured).
  const JwtKey& signing_key() const { return keys_.front(); }
  // The key named kid, or nullptr when the ring has none by that name.
  const JwtKey* find(std::string_view kid) const;
  // Every key, signing key first.
  const std::vector<JwtKey>& keys() const { return keys_; }

 private:
  KeyRing() = default;
  std::vector<JwtKey> keys_;  // never empty once parsed
};

struct AccessClaims {
  std::string iss, aud, sub, jti, role;
  std::int64_t iat = 0, nbf = 0, exp = 0;  // seconds since the Unix epoch
  std::int64_t ver = 0;  // the user's token version (revocation marker), claim "ver"
};

// A compact JWT with header {"alg":"HS256","typ":"JWT","kid":<signing kid>}
// and exactly the claims above; throws only if libsodium fails (it cannot).
std::string sign_jwt(const AccessClaims& claims, const KeyRing& keys);

enum class JwtError {
  none,
  malformed,
  unsupported_alg,
  unknown_kid,
  bad_signature,
  expired,
  not_yet_valid,
  issued_in_future,
  wrong_issuer,
  wrong_audience,
  missing_claim,
};
// The enumerator's name ("expired", ...), for logs and tests.
const char* jwt_error_name(JwtError e);

struct JwtCheck {
  std::string_view issuer;
  std::string_view audience;
  std::int64_t now;            // seconds since the Unix epoch
  std::int64_t leeway_s = 30;  // clock skew tolerated on exp, nbf, iat; < 0 counts as 0
};

struct JwtResult {
  JwtError error = JwtError::none;
  AccessClaims claims;  // filled only when error is none
};

// Verifies a compact JWT, never throwing for bad input. In order: at most 4096
// bytes and three strictly base64url parts (malformed); header a JSON object
// with "alg" exactly "HS256" (unsupported_alg) and a string "kid" in the ring
// (unknown_kid); HS256 signature over "header.payload", compared in constant
// time (bad_signature); only then the payload: a JSON object with string iss,
// aud (or an array of strings), sub, jti, role and integer iat, nbf, exp, ver
// (missing_claim); then iss, aud, exp, nbf, iat against check. Duplicate
// member names and a "crit" header are malformed.
JwtResult verify_jwt(std::string_view token, const KeyRing& keys, const JwtCheck& check);
// The time checks of verify_jwt alone (exp, nbf, iat with the leeway), for
// claims verified earlier.
JwtError jwt_time_error(const AccessClaims& claims, const JwtCheck& check);

// The base64url HS256 signature of signing_input under secret (any length).
std::string hs256_sign(std::string_view signing_input, std::string_view secret);
// True when sig_b64url is exactly (strictly decoded) the HS256 signature of
// signing_input under secret; the comparison is constant-time.
bool hs256_valid(std::string_view signing_input, std::string_view sig_b64url,
                 std::string_view secret);

}  // namespace crud
