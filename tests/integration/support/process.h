// Runs a program with a given environment and standard input and collects its
// exit status, stdout and stderr. Used for the handlers' CGI mode and for the
// stack script that restarts PostgreSQL. RunningProcess keeps a program (e.g.
// redis-cli SUBSCRIBE) running beside the test and reads its output as it comes.
#pragma once

#include <sys/types.h>

#include <chrono>
#include <functional>
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

// A child left running while the test goes on, its stdout and stderr read
// line by line (one pipe, so an error message shows among the lines). The
// destructor kills it (SIGKILL) and reaps it.
class RunningProcess {
 public:
  // Starts argv[0] (looked up in PATH) with exactly `env` and stdin from /dev/null.
  RunningProcess(const std::vector<std::string>& argv, const std::vector<std::string>& env);
  RunningProcess(const RunningProcess&) = delete;
  RunningProcess& operator=(const RunningProcess&) = delete;
  ~RunningProcess();

  // Reads output until `done(lines so far)` is true or `timeout` passes (or
  // the output ends); returns done's last answer.
  bool wait_until(const std::function<bool(const std::vector<std::string>&)>& done,
                  std::chrono::milliseconds timeout);
  // The complete lines read so far, without their newlines.
  const std::vector<std::string>& lines() const { return lines_; }
  // The command and what it printed, for failure messages.
  std::string describe() const;

 private:
  std::string command_;
  pid_t pid_ = -1;
  int out_ = -1;
  std::string partial_;  // a line still waiting for its newline
  std::vector<std::string> lines_;
};

}  // namespace itest
