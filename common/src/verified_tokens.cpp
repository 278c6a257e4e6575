#include "crud/verified_tokens.h"

#include <sodium.h>

#include <functional>

namespace crud {

JwtResult VerifiedTokens::verify(std::string_view token, const KeyRing& keys,
                                 const JwtCheck& check) {
  const std::size_t key = std::hash<std::string_view>{}(token);
  auto it = tokens_.find(key);
  if (it != tokens_.end() && it->second.token.size() == token.size() &&
      sodium_memcmp(it->second.token.data(), token.data(), token.size()) == 0) {
    JwtError e = jwt_time_error(it->second.claims, check);
    if (e != JwtError::none) {
      tokens_.erase(it);
      return {e, {}};
    }
    return {JwtError::none, it->second.claims};
  }
  JwtResult result = verify_jwt(token, keys, check);
  if (result.error == JwtError::none) {
    if (tokens_.size() >= kMaxTokens) tokens_.clear();  // many clients: start over
    tokens_[key] = Entry{std::string(token), result.claims};
  }
  return result;
}

}  // namespace crud
