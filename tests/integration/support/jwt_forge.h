// Taking access tokens apart and building new ones, so the tests can present
// the service with tampered, re-signed and otherwise wrong JWTs. A control
// token signed here with the stack's real key must be accepted; that proves
// each rejected variant is refused for the one thing it changed.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace itest {

// base64url without padding (RFC 4648 section 5).
std::string base64url_encode(std::string_view bytes);
// Inverse of base64url_encode; nullopt on any character outside the alphabet.
std::optional<std::string> base64url_decode(std::string_view text);

// A compact JWT split at its dots: header and payload decoded (JSON text),
// signature kept as sent (base64url).
struct JwtParts {
  std::string header;
  std::string payload;
  std::string signature;
};
std::optional<JwtParts> split_jwt(const std::string& token);

// The stack's signing key: the first entry of JWT_KEYS.
struct SigningKey {
  std::string kid;
  std::string secret;  // raw bytes
};
SigningKey stack_signing_key();

enum class Mac { hs256, hs512 };
// base64url(header).base64url(payload).base64url(HMAC(secret, those two)).
std::string sign_jwt(const std::string& header_json, const std::string& payload_json,
                     const std::string& secret, Mac mac = Mac::hs256);
// base64url(header).base64url(payload).`signature` as given.
std::string assemble_jwt(const std::string& header_json, const std::string& payload_json,
                         const std::string& signature);

}  // namespace itest
