// TOTP codes as an authenticator app would show them, made by the real
// `oathtool` binary (an independent RFC 6238 implementation), never by the
// code under test.
#pragma once

#include <cstdint>
#include <string>

namespace itest {

// The 6-digit code of base32 `secret` for the 30-second step holding
// `unix_time`; throws std::runtime_error when oathtool fails.
std::string totp_code_at(const std::string& secret, std::int64_t unix_time);

// Seconds since the Unix epoch.
std::int64_t unix_now();

}  // namespace itest
