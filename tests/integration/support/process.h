// Runs a program with a given environment and standard input and collects its
// exit status, stdout and stderr. Used for the handlers' CGI mode and for the
// stack script that restarts PostgreSQL.
#pragma once

#include <chrono>
#include <string>
#include <utility>
#include <vector>

namespace itest {

struct ProcessResult {
  int exit_code = -1;      // when it exited normally
  int term_signal = 0;     // when a signal ended it
  bool timed_out = false;  // killed by run_process after the timeout
  std::string out;
  std::string err;

  bool exited_zero() const { return term_signal == 0 && !timed_out && exit_code == 0; }
  // Exit status and both streams, for failure messages.
  std::string describe() const;
};

// Starts argv[0] (a path) with exactly `env` ("KEY=VALUE"), writes `input` to
// its stdin and closes it, and waits up to `timeout` (then kills it).
ProcessResult run_process(const std::vector<std::string>& argv, const std::vector<std::string>& env,
                          const std::string& input, std::chrono::milliseconds timeout);

// This process's environment with `overrides` replaced or added.
std::vector<std::string> environment_with(
    const std::vector<std::pair<std::string, std::string>>& overrides);

}  // namespace itest
