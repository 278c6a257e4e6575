// Encryption at rest for small secrets (TOTP secrets) with libsodium's
// crypto_secretbox (XSalsa20-Poly1305) under a 32-byte key from configuration
// (TOTP_ENCRYPTION_KEY). Sealed values are text so they fit a TEXT column.
// sodium_init() must have run before seal() (the serve loop does it).
#pragma once

#include <array>
#include <optional>
#include <string>
#include <string_view>

namespace crud {

class SecretBox {
 public:
  // The box for a key written as exactly 64 hex digits (32 bytes, either case); throws
  // ConfigError (crud/config.h) naming TOTP_ENCRYPTION_KEY, but never quoting it, otherwise.
  static SecretBox from_hex_key(std::string_view key_text);

  // Standard padded base64 (RFC 4648 section 4) of: version byte 0x01 || 24-byte random nonce ||
  // ciphertext with its 16-byte MAC. Sealing the same plaintext twice gives different text.
  std::string seal(std::string_view plaintext) const;
  // The plaintext, or nullopt when the text is not such base64, the version is unknown, it is
  // too short, or authentication fails (tampered, or sealed under another key).
  std::optional<std::string> open(std::string_view sealed) const;

  SecretBox(const SecretBox&) = default;
  SecretBox& operator=(const SecretBox&) = default;
  ~SecretBox();  // wipes the key

 private:
  using Key = std::array<unsigned char, 32>;  // crypto_secretbox_KEYBYTES
  explicit SecretBox(const Key& key) : key_(key) {}

  Key key_;
};

}  // namespace crud
