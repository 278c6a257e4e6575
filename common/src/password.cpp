// argon2id through libsodium; sodium_init() is done by the serve loop.
#include "crud/password.h"

#include <sodium.h>

#include <stdexcept>

namespace crud {

std::string PasswordHasher::hash(std::string_view password) const {
  char out[crypto_pwhash_STRBYTES];
  if (crypto_pwhash_str(out, password.data(), password.size(), opslimit_, memlimit_) != 0)
    throw std::runtime_error("crypto_pwhash_str failed (out of memory?)");
  return out;
}

bool PasswordHasher::verify(const std::string& encoded, std::string_view password) const {
  return crypto_pwhash_str_verify(encoded.c_str(), password.data(), password.size()) == 0;
}

bool PasswordHasher::needs_rehash(const std::string& encoded) const {
  return crypto_pwhash_str_needs_rehash(encoded.c_str(), opslimit_, memlimit_) != 0;
}

}  // namespace crud
