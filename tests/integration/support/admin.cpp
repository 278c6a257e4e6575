// One admin per test process (see admin.h).
#include "support/admin.h"

#include <stdexcept>

#include "support/auth_client.h"
#include "support/stack_control.h"

namespace itest {

void make_admin(const std::string& username) {
  const auto run = run_crudctl({"make-admin", username});
  if (!run.exited_zero()) {
    throw std::runtime_error("setup: crudctl make-admin " + username + " failed\n" +
                             run.describe());
  }
}

namespace {

Admin create_admin() {
  Admin admin;
  admin.user = create_user(unique_username("admin"));
  make_admin(admin.user.username);
  // Logged in after the promotion, so the token carries the admin role.
  admin.access_token = login_ok(admin.user).access_token;
  return admin;
}

}  // namespace

const Admin& shared_admin() {
  // A throwing initializer is retried on the next call, so each test that
  // needs the admin reports the failure itself.
  static const Admin admin = create_admin();
  return admin;
}

}  // namespace itest
