// Two-factor authentication: TOTP codes (RFC 6238: HMAC-SHA-1, 6 digits,
// 30-second steps from the unix epoch) through liboath, the otpauth:// URI
// authenticator apps scan, and the one-time recovery codes shown at enrolment.
// Randomness comes from libsodium: sodium_init() must have run (the serve loop does it).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace crud {

// A fresh random 160-bit secret as RFC 4648 base32: 32 upper-case characters, no padding.
std::string new_totp_secret();

// otpauth://totp/ISSUER:ACCOUNT?secret=…&issuer=ISSUER&algorithm=SHA1&digits=6&period=30,
// issuer and account percent-encoded (RFC 3986 unreserved characters kept, so ':' becomes %3A).
std::string otpauth_uri(std::string_view issuer, std::string_view account,
                        std::string_view base32_secret);

// The 30-second time step a unix time falls in (rounded down, also before 1970).
std::int64_t totp_step(std::int64_t unix_time);

// The step (now-1, now or now+1, and only one greater than last_used_step) whose code equals
// `code`; nullopt for a wrong or replayed code, a code that is not exactly 6 ASCII digits, or a
// secret that is not base32 of at least 128 bits. Codes are compared in constant time.
std::optional<std::int64_t> verify_totp(std::string_view base32_secret, std::string_view code,
                                        std::int64_t now, std::int64_t last_used_step);

// The 6-digit code at a unix time >= 0; throws std::invalid_argument for a negative time or a
// secret verify_totp would refuse.
std::string totp_code(std::string_view base32_secret, std::int64_t unix_time);

// Ten distinct one-time recovery codes, each 10 random lower-case base32 characters (50 bits)
// shown as "xxxxx-xxxxx".
std::vector<std::string> new_recovery_codes();

// The canonical form of a recovery code a person typed (lower case, '-' and spaces removed),
// for comparing or hashing; nullopt when that is not exactly 10 base32 characters.
std::optional<std::string> normalize_recovery_code(std::string_view typed);

}  // namespace crud
