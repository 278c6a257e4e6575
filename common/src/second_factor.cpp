// accept_second_factor (auth.h), in a file of its own: only the endpoints
// that check a second factor then link totp.cpp, and with it liboath; the
// others no longer load that library at every start (docs/performance.md).
#include <ctime>

#include "crud/auth.h"
#include "crud/serve.h"
#include "crud/totp.h"

namespace crud {

bool accept_second_factor(Context& ctx, const Credentials& user, const std::string& code) {
  if (auto secret = ctx.totp_box.open(user.totp_secret)) {
    auto step = verify_totp(*secret, code, static_cast<std::int64_t>(std::time(nullptr)),
                            user.totp_last_step);
    if (step && ctx.auth.claim_totp_step(user.id, *step)) return true;
  }
  auto recovery = normalize_recovery_code(code);
  return recovery && ctx.auth.use_recovery_code(user.id, sha256_hex(*recovery));
}

}  // namespace crud
