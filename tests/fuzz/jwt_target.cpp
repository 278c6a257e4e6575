// Fuzz target: access-token decoding, as sent and behind a valid signature.
#include <string>

#include "crud/jwt.h"
#include "targets.h"

namespace crud::fuzz {
namespace {

// A fixed test ring (not a deployed key): kid "k1", 32 bytes of 'k'.
const KeyRing& test_ring() {
  static const KeyRing ring = KeyRing::parse("k1:" + base64url_encode(std::string(32, 'k')) +
                                             ",k2:" + base64url_encode(std::string(40, 'q')));
  return ring;
}

const JwtCheck kCheck{"crud", "crud-api", 1700000000, 30};

}  // namespace

void jwt(std::string_view input) {
  if (input.empty()) return;
  const bool as_sent = input[0] == 0;
  input.remove_prefix(1);
  if (as_sent) {
    verify_jwt(input, test_ring(), kCheck);
    base64url_decode(input);
    return;
  }
  const auto nul = input.find('\0');
  const std::string signing_input =
      base64url_encode(input.substr(0, nul)) + "." +
      base64url_encode(nul == std::string_view::npos ? std::string_view() : input.substr(nul + 1));
  const std::string token =
      signing_input + "." + hs256_sign(signing_input, test_ring().signing_key().secret);
  verify_jwt(token, test_ring(), kCheck);
}

}  // namespace crud::fuzz
