// Every pool's workers start with GnuTLS's load-time setup turned off: libpq
// brings GnuTLS in (through libldap) and never uses it, and its setup would
// cost each idle worker about 0.9 MiB (docs/performance.md).
#include <gtest/gtest.h>

#include <fstream>
#include <iterator>
#include <string>

#include "support/stack_control.h"

namespace itest {
namespace {

// The NUL-separated environment a process started with.
std::string environment_of(pid_t pid) {
  std::ifstream in("/proc/" + std::to_string(pid) + "/environ", std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

class WorkerEnvironment : public ::testing::TestWithParam<const char*> {};

TEST_P(WorkerEnvironment, GnuTlsSetupIsOff) {
  const pid_t group = pool_group(std::string(GetParam()) + ".1");
  int workers = 0;
  for (pid_t pid : group_members(group)) {
    if (pid == group) continue;
    ++workers;
    std::string env = '\0' + environment_of(pid);
    EXPECT_NE(env.find(std::string("\0GNUTLS_NO_IMPLICIT_INIT=1\0", 27)), std::string::npos)
        << GetParam() << " worker " << pid;
  }
  EXPECT_GT(workers, 0) << GetParam();
}

INSTANTIATE_TEST_SUITE_P(Endpoints, WorkerEnvironment,
                         ::testing::Values("read_user", "update_user", "register", "login",
                                           "metrics", "oauth"));

}  // namespace
}  // namespace itest
