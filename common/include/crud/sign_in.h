// The local account a provider sign-in logs in to: the one linked to the
// provider account (issuer, sub), or, at its first sign-in, a new account
// without a password, named after the provider's preferred name.
#pragma once

#include <cstdint>
#include <string>

#include "crud/id_token.h"
#include "crud/identity_store.h"

namespace crud {

struct Context;

// A valid username (3-32 of [A-Za-z0-9_.-]) made from the token's
// preferred_username, else its name, else the e-mail's local part, else "user".
std::string username_from_claims(const IdTokenClaims& claims);
// The n-th candidate for a new account's name: the base itself, then with
// "-2", "-3", ... (cut so it stays within 32 characters).
std::string username_candidate(const std::string& base, int n);
// The user the provider account logs in to, created (and announced as
// user.created) at its first sign-in.
std::int64_t user_for_sign_in(Context& ctx, IdentityStore& identities, const std::string& issuer,
                              const IdTokenClaims& claims);

}  // namespace crud
