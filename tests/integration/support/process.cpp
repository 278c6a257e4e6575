// fork/exec with three pipes and a poll loop, so a child that ignores stdin or
// floods stdout cannot deadlock the test (see process.h).
#include "support/process.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <stdexcept>

extern char** environ;

namespace itest {
namespace {

void close_fd(int& fd) {
  if (fd >= 0) close(fd);
  fd = -1;
}

std::vector<char*> as_argv(std::vector<std::string>& strings) {
  std::vector<char*> pointers;
  for (auto& s : strings) pointers.push_back(s.data());
  pointers.push_back(nullptr);
  return pointers;
}

// Reads what is available now from `fd` into `sink`; closes `fd` at EOF.
void drain(int& fd, std::string& sink) {
  if (fd < 0) return;
  char buffer[8192];
  for (;;) {
    const ssize_t n = read(fd, buffer, sizeof buffer);
    if (n > 0) {
      sink.append(buffer, static_cast<size_t>(n));
    } else if (n < 0 && errno == EINTR) {
      continue;
    } else {
      if (n == 0 || errno != EAGAIN) close_fd(fd);
      return;
    }
  }
}

}  // namespace

std::string ProcessResult::describe() const {
  std::string text = "exit " + std::to_string(exit_code);
  if (term_signal != 0) text += ", signal " + std::to_string(term_signal);
  if (timed_out) text += ", timed out";
  return text + "\n--- stdout ---\n" + out + "\n--- stderr ---\n" + err;
}

ProcessResult run_process(const std::vector<std::string>& argv, const std::vector<std::string>& env,
                          const std::string& input, std::chrono::milliseconds timeout) {
  // A child that exits without reading stdin must not kill us with SIGPIPE.
  signal(SIGPIPE, SIG_IGN);

  int in[2], out[2], err[2];
  if (pipe2(in, O_CLOEXEC) != 0 || pipe2(out, O_CLOEXEC) != 0 || pipe2(err, O_CLOEXEC) != 0) {
    throw std::runtime_error(std::string("pipe: ") + std::strerror(errno));
  }
  std::vector<std::string> argv_copy = argv;
  std::vector<std::string> env_copy = env;
  auto argv_ptrs = as_argv(argv_copy);
  auto env_ptrs = as_argv(env_copy);

  const pid_t pid = fork();
  if (pid < 0) throw std::runtime_error(std::string("fork: ") + std::strerror(errno));
  if (pid == 0) {
    dup2(in[0], 0);
    dup2(out[1], 1);
    dup2(err[1], 2);
    signal(SIGPIPE, SIG_DFL);  // an ignored signal would survive exec
    execve(argv_ptrs[0], argv_ptrs.data(), env_ptrs.data());
    const std::string message = "execve " + argv[0] + ": " + std::strerror(errno) + "\n";
    if (write(2, message.data(), message.size()) < 0) _exit(127);
    _exit(127);
  }
  close(in[0]);
  close(out[1]);
  close(err[1]);
  int to_child = in[1], from_out = out[0], from_err = err[0];
  fcntl(to_child, F_SETFL, O_NONBLOCK);
  fcntl(from_out, F_SETFL, O_NONBLOCK);
  fcntl(from_err, F_SETFL, O_NONBLOCK);

  ProcessResult result;
  size_t written = 0;
  if (input.empty()) close_fd(to_child);
  int status = 0;
  bool reaped = false;
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (from_out >= 0 || from_err >= 0) {
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
        deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0) {
      kill(pid, SIGKILL);
      result.timed_out = true;
      break;
    }
    // Wake up now and then: a daemon the child started may hold the pipes open.
    const int wait_ms = static_cast<int>(std::min<long long>(left.count(), 100));
    pollfd fds[3] = {{to_child, POLLOUT, 0}, {from_out, POLLIN, 0}, {from_err, POLLIN, 0}};
    if (poll(fds, 3, wait_ms) < 0 && errno != EINTR) break;
    if (to_child >= 0 && (fds[0].revents & (POLLOUT | POLLERR | POLLHUP))) {
      const ssize_t n = write(to_child, input.data() + written, input.size() - written);
      if (n > 0) written += static_cast<size_t>(n);
      if (n < 0 && errno != EAGAIN) close_fd(to_child);  // EPIPE: child stopped reading
      if (written == input.size()) close_fd(to_child);
    }
    for (int i = 1; i < 3; ++i) {
      if (fds[i].fd >= 0 && (fds[i].revents & (POLLIN | POLLERR | POLLHUP))) {
        drain(i == 1 ? from_out : from_err, i == 1 ? result.out : result.err);
      }
    }
    if (!reaped && waitpid(pid, &status, WNOHANG) == pid) {
      reaped = true;
      // Take what is already buffered, then stop even if a grandchild keeps the pipes.
      for (int i = 0; i < 64 && (from_out >= 0 || from_err >= 0); ++i) {
        drain(from_out, result.out);
        drain(from_err, result.err);
      }
      break;
    }
  }
  close_fd(to_child);
  close_fd(from_out);
  close_fd(from_err);

  while (!reaped && waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  if (WIFEXITED(status)) result.exit_code = WEXITSTATUS(status);
  if (WIFSIGNALED(status)) result.term_signal = WTERMSIG(status);
  return result;
}

std::vector<std::string> environment_with(
    const std::vector<std::pair<std::string, std::string>>& overrides) {
  std::vector<std::string> env;
  for (char** e = environ; *e != nullptr; ++e) {
    const std::string entry = *e;
    bool replaced = false;
    for (const auto& [key, value] : overrides) {
      if (entry.compare(0, key.size() + 1, key + "=") == 0) replaced = true;
    }
    if (!replaced) env.push_back(entry);
  }
  for (const auto& [key, value] : overrides) env.push_back(key + "=" + value);
  return env;
}

RunningProcess::RunningProcess(const std::vector<std::string>& argv,
                               const std::vector<std::string>& env) {
  for (const auto& arg : argv) command_ += (command_.empty() ? "" : " ") + arg;
  int out[2];
  if (pipe2(out, O_CLOEXEC) != 0) {
    throw std::runtime_error(std::string("pipe: ") + std::strerror(errno));
  }
  std::vector<std::string> argv_copy = argv;
  std::vector<std::string> env_copy = env;
  auto argv_ptrs = as_argv(argv_copy);
  auto env_ptrs = as_argv(env_copy);
  pid_ = fork();
  if (pid_ < 0) throw std::runtime_error(std::string("fork: ") + std::strerror(errno));
  if (pid_ == 0) {
    const int null = open("/dev/null", O_RDONLY);
    dup2(null, 0);
    dup2(out[1], 1);
    dup2(out[1], 2);
    signal(SIGPIPE, SIG_DFL);
    execvpe(argv_ptrs[0], argv_ptrs.data(), env_ptrs.data());
    const std::string message = "execvpe " + argv[0] + ": " + std::strerror(errno) + "\n";
    if (write(2, message.data(), message.size()) < 0) _exit(127);
    _exit(127);
  }
  close(out[1]);
  out_ = out[0];
  fcntl(out_, F_SETFL, O_NONBLOCK);
}

RunningProcess::~RunningProcess() {
  close_fd(out_);
  if (pid_ > 0) {
    kill(pid_, SIGKILL);
    int status = 0;
    while (waitpid(pid_, &status, 0) < 0 && errno == EINTR) {
    }
  }
}

bool RunningProcess::wait_until(const std::function<bool(const std::vector<std::string>&)>& done,
                                std::chrono::milliseconds timeout) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  for (;;) {
    if (done(lines_)) return true;
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
        deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0 || out_ < 0) return false;
    pollfd fd = {out_, POLLIN, 0};
    if (poll(&fd, 1, static_cast<int>(left.count())) <= 0) continue;
    std::string chunk;
    drain(out_, chunk);  // closes out_ at the end of the output
    partial_ += chunk;
    for (auto newline = partial_.find('\n'); newline != std::string::npos;
         newline = partial_.find('\n')) {
      lines_.push_back(partial_.substr(0, newline));
      partial_.erase(0, newline + 1);
    }
  }
}

std::string RunningProcess::describe() const {
  std::string text = command_ + "\n--- output ---\n";
  for (const auto& line : lines_) text += line + "\n";
  return text + partial_;
}

}  // namespace itest
