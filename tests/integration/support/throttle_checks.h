// Shared by the login-throttling tests (with and without Redis): failing
// logins on purpose and recognising the lock-out answer.
#pragma once

#include <gtest/gtest.h>

#include <string>

#include "support/http_client.h"

namespace itest {

// `count` logins of `username` with a wrong password, each expected to be
// 401 invalid_credentials (a non-fatal failure otherwise).
void fail_logins(const std::string& username, int count);

// 429 too_many_login_attempts with exactly one Retry-After of 1..900 seconds.
testing::AssertionResult IsLockedOut(const Response& r);

}  // namespace itest
