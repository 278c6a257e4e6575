// The test process's administrator, made the only way the SPEC allows (an
// operator command, never the API), so that request() can read and change
// any user by default now that reads need an authenticated caller.
#pragma once

#include <string>

#include "support/test_data.h"

namespace itest {

struct Admin {
  CreatedUser user;
  std::string access_token;
};

// Runs `$CRUDCTL make-admin <username>` against the stack's database; throws
// std::runtime_error with the tool's output unless it succeeds.
void make_admin(const std::string& username);

// This process's admin: registered, promoted and logged in on first use.
// Throws std::runtime_error (failing the calling test) when any step fails.
const Admin& shared_admin();

}  // namespace itest
