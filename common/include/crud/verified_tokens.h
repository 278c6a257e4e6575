// Access tokens this worker has verified. A client sends the same token
// with every request until it expires; a token's bytes fix its claims, so
// a token seen before skips the HMAC and the JSON parsing (most of a cached
// read's own CPU) and only the time checks run again. The caller check
// (revocation) runs on every request all the same.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <unordered_map>

#include "crud/jwt.h"

namespace crud {

class VerifiedTokens {
 public:
  static constexpr std::size_t kMaxTokens = 1024;

  // verify_jwt, answered from memory for a token verified before.
  JwtResult verify(std::string_view token, const KeyRing& keys, const JwtCheck& check);
  std::size_t size() const { return tokens_.size(); }

 private:
  struct Entry {
    std::string token;
    AccessClaims claims;
  };
  // Keyed by a hash of the token; the token itself is compared in constant
  // time, so timing tells nothing about tokens other clients sent.
  std::unordered_map<std::size_t, Entry> tokens_;
};

}  // namespace crud
