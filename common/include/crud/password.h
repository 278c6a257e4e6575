// Password hashing with libsodium's argon2id (crypto_pwhash_str) at a
// configurable cost.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace crud {

class PasswordHasher {
 public:
  PasswordHasher(std::uint64_t opslimit, std::size_t memlimit)
      : opslimit_(opslimit), memlimit_(memlimit) {}
  // An encoded argon2id hash of the password (salt and cost included).
  std::string hash(std::string_view password) const;
  // True when password matches the encoded hash.
  bool verify(const std::string& encoded, std::string_view password) const;
  // True when the hash was made with another cost than the configured one.
  bool needs_rehash(const std::string& encoded) const;

 private:
  std::uint64_t opslimit_;
  std::size_t memlimit_;
};

}  // namespace crud
