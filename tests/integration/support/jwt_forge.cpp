// JWT building blocks over libsodium's HMAC (see jwt_forge.h).
#include "support/jwt_forge.h"

#include <sodium.h>

#include <stdexcept>

#include "support/stack_env.h"

namespace itest {
namespace {

const char kAlphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

int sextet(char c) {
  for (int i = 0; i < 64; ++i) {
    if (kAlphabet[i] == c) return i;
  }
  return -1;
}

std::string hmac(Mac mac, const std::string& secret, const std::string& data) {
  const auto* key = reinterpret_cast<const unsigned char*>(secret.data());
  const auto* in = reinterpret_cast<const unsigned char*>(data.data());
  if (mac == Mac::hs256) {
    unsigned char out[crypto_auth_hmacsha256_BYTES];
    crypto_auth_hmacsha256_state state;
    crypto_auth_hmacsha256_init(&state, key, secret.size());
    crypto_auth_hmacsha256_update(&state, in, data.size());
    crypto_auth_hmacsha256_final(&state, out);
    return std::string(reinterpret_cast<char*>(out), sizeof out);
  }
  unsigned char out[crypto_auth_hmacsha512_BYTES];
  crypto_auth_hmacsha512_state state;
  crypto_auth_hmacsha512_init(&state, key, secret.size());
  crypto_auth_hmacsha512_update(&state, in, data.size());
  crypto_auth_hmacsha512_final(&state, out);
  return std::string(reinterpret_cast<char*>(out), sizeof out);
}

}  // namespace

std::string base64url_encode(std::string_view bytes) {
  std::string out;
  unsigned bits = 0;
  int count = 0;
  for (const char c : bytes) {
    bits = (bits << 8) | static_cast<unsigned char>(c);
    count += 8;
    while (count >= 6) {
      count -= 6;
      out += kAlphabet[(bits >> count) & 63u];
    }
  }
  if (count > 0) out += kAlphabet[(bits << (6 - count)) & 63u];
  return out;
}

std::optional<std::string> base64url_decode(std::string_view text) {
  std::string out;
  unsigned bits = 0;
  int count = 0;
  for (const char c : text) {
    const int value = sextet(c);
    if (value < 0) return std::nullopt;
    bits = (bits << 6) | static_cast<unsigned>(value);
    count += 6;
    if (count >= 8) {
      count -= 8;
      out += static_cast<char>((bits >> count) & 0xffu);
    }
  }
  return out;
}

std::optional<JwtParts> split_jwt(const std::string& token) {
  const auto first = token.find('.');
  const auto second = first == std::string::npos ? first : token.find('.', first + 1);
  if (second == std::string::npos || token.find('.', second + 1) != std::string::npos) {
    return std::nullopt;
  }
  const auto header = base64url_decode(token.substr(0, first));
  const auto payload = base64url_decode(token.substr(first + 1, second - first - 1));
  if (!header || !payload) return std::nullopt;
  return JwtParts{*header, *payload, token.substr(second + 1)};
}

SigningKey stack_signing_key() {
  const std::string& ring = stack_env().jwt_keys;
  const std::string first = ring.substr(0, ring.find(','));
  const auto colon = first.find(':');
  const auto secret =
      colon == std::string::npos ? std::nullopt : base64url_decode(first.substr(colon + 1));
  if (!secret) throw std::runtime_error("JWT_KEYS is not kid:base64url");
  return {first.substr(0, colon), *secret};
}

std::string assemble_jwt(const std::string& header_json, const std::string& payload_json,
                         const std::string& signature) {
  return base64url_encode(header_json) + "." + base64url_encode(payload_json) + "." + signature;
}

std::string sign_jwt(const std::string& header_json, const std::string& payload_json,
                     const std::string& secret, Mac mac) {
  const std::string input = base64url_encode(header_json) + "." + base64url_encode(payload_json);
  return input + "." + base64url_encode(hmac(mac, secret, input));
}

}  // namespace itest
