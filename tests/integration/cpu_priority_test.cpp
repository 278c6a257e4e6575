// The workers that hash passwords run at a low CPU priority (serve.h
// CpuPriority), the others at the normal one: a registration flood uses the
// idle CPU without delaying reads.
#include <gtest/gtest.h>

#include <algorithm>
#include <fstream>
#include <sstream>
#include <string>

#include "support/stack_control.h"

namespace itest {
namespace {

// The nice value of a process: field 19 of /proc/PID/stat, counted after
// the command name's closing parenthesis (the name may hold spaces).
int nice_of(pid_t pid) {
  std::ifstream stat("/proc/" + std::to_string(pid) + "/stat");
  std::string line;
  std::getline(stat, line);
  std::istringstream fields(line.substr(line.rfind(')') + 2));
  std::string field;
  for (int i = 3; i <= 19; ++i) fields >> field;
  return std::stoi(field);
}

class CpuPriority : public ::testing::TestWithParam<std::pair<const char*, bool>> {};

// Each worker of pool "endpoint.1" against its multiwatch (the group
// leader, started at the stack's own priority): 10 lower for hashing ones.
TEST_P(CpuPriority, WorkersRunAtTheirEndpointsPriority) {
  const auto [endpoint, hashes] = GetParam();
  const pid_t group = pool_group(std::string(endpoint) + ".1");
  const int expected = hashes ? std::min(19, nice_of(group) + 10) : nice_of(group);
  int workers = 0;
  for (pid_t pid : group_members(group)) {
    if (pid == group) continue;
    ++workers;
    EXPECT_EQ(nice_of(pid), expected) << endpoint << " worker " << pid;
  }
  EXPECT_GT(workers, 0) << endpoint;
}

INSTANTIATE_TEST_SUITE_P(Endpoints, CpuPriority,
                         ::testing::Values(std::make_pair("register", true),
                                           std::make_pair("login", true),
                                           std::make_pair("change_password", true),
                                           std::make_pair("read_user", false),
                                           std::make_pair("update_user", false)));

}  // namespace
}  // namespace itest
