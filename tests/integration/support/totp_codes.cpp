// oathtool --totp -b -N @<time> <secret> (see totp_codes.h).
#include "support/totp_codes.h"

#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <stdexcept>

#include "support/process.h"

namespace itest {
namespace {

// oathtool as found on PATH (run_process does not search it).
std::string oathtool_path() {
  const char* path = std::getenv("PATH");
  std::string dirs = path != nullptr ? path : "/usr/bin:/bin";
  size_t start = 0;
  while (start <= dirs.size()) {
    auto stop = dirs.find(':', start);
    if (stop == std::string::npos) stop = dirs.size();
    const std::string candidate = dirs.substr(start, stop - start) + "/oathtool";
    if (access(candidate.c_str(), X_OK) == 0) return candidate;
    start = stop + 1;
  }
  throw std::runtime_error("oathtool not found on PATH (Debian package oathtool)");
}

}  // namespace

std::string totp_code_at(const std::string& secret, std::int64_t unix_time) {
  const auto run =
      run_process({oathtool_path(), "--totp", "-b", "-N", "@" + std::to_string(unix_time), secret},
                  environment_with({}), "", std::chrono::seconds(10));
  std::string code = run.out;
  while (!code.empty() && (code.back() == '\n' || code.back() == '\r')) code.pop_back();
  if (!run.exited_zero() || code.size() != 6) {
    throw std::runtime_error("oathtool failed\n" + run.describe());
  }
  return code;
}

std::int64_t unix_now() {
  return std::chrono::duration_cast<std::chrono::seconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

}  // namespace itest
