// Two-factor authentication from a client's side: enrolling, turning it on
// with a code from the real oathtool, and logging in with a code; shared by
// the TOTP tests and the backup round trip.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "support/auth_client.h"
#include "support/http_client.h"
#include "support/totp_codes.h"

namespace itest {

// POST /api/me/totp as `a`.
Response enrol(const Account& a);
// POST /api/me/totp/verify {"code"} as `a`.
Response verify(const Account& a, const std::string& code);
// POST /api/login with `u`'s credentials and "totp": `code`.
Response login_with_code(const CreatedUser& u, const std::string& code);

// An account with 2FA on: the secret, the recovery codes, and the time whose
// step the verify call spent (so the next unused code is the step after it).
struct TwoFactor {
  Account account;
  std::string secret;
  std::vector<std::string> recovery_codes;
  std::int64_t verified_at = 0;

  // The code of the step after the one verify used: unused, still in the window.
  std::string next_code() const { return totp_code_at(secret, verified_at + 30); }
};

// A fresh account named after `prefix` with 2FA turned on; throws when a step fails.
TwoFactor enable_two_factor(const std::string& prefix);

}  // namespace itest
