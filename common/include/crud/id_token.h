// Checking an OpenID Connect ID token that came straight from the provider's
// token endpoint over TLS. Its signature is not verified (OIDC Core 3.1.3.7,
// step 6: the TLS server validation stands for it; docs/oidc.md); every claim
// is: iss, aud (and azp), exp, iat and nonce, and "alg" must not be "none".
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace crud {

struct IdTokenExpectation {
  std::string_view issuer;
  std::string_view client_id;
  std::string_view nonce;
  std::int64_t now = 0;          // seconds since the Unix epoch
  std::int64_t leeway_s = 60;    // clock skew tolerated on exp and iat
  std::int64_t max_age_s = 600;  // an older iat is refused
};

struct IdTokenClaims {
  std::string subject;             // "sub": with the issuer, who signed in
  std::string preferred_username;  // may be empty
  std::string name;                // may be empty
  std::string email;               // may be empty; never used to link accounts
};

// True with `claims` filled when every check passes; otherwise false with
// `why` naming the failed check ("wrong_issuer", "nonce_mismatch", ...).
bool check_id_token(std::string_view token, const IdTokenExpectation& expected,
                    IdTokenClaims& claims, std::string& why);

}  // namespace crud
