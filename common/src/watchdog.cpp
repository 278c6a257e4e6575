// RequestWatchdog: one thread per worker checking the armed deadline.
#include "crud/watchdog.h"

#include <unistd.h>

namespace crud {

RequestWatchdog::RequestWatchdog(const Logger& log, std::chrono::seconds limit)
    : log_(log), limit_(limit), thread_([this] { watch(); }) {}

RequestWatchdog::~RequestWatchdog() {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    stopping_ = true;
  }
  changed_.notify_one();
  thread_.join();
}

void RequestWatchdog::arm(const std::string& request_id) {
  std::lock_guard<std::mutex> lock(mutex_);
  deadline_ = std::chrono::steady_clock::now() + limit_;
  log_.set_request_id(request_id);
}

void RequestWatchdog::disarm() {
  std::lock_guard<std::mutex> lock(mutex_);
  deadline_ = {};
}

// Looks once per kCheckEvery instead of being woken at every request: a
// thread wake-up costs two context switches, which on a virtual machine
// cost more than a cached read's own work. A stuck request is caught up to
// kCheckEvery late.
void RequestWatchdog::watch() {
  std::unique_lock<std::mutex> lock(mutex_);
  while (!stopping_) {
    changed_.wait_for(lock, kCheckEvery);
    if (deadline_ != std::chrono::steady_clock::time_point{} &&
        std::chrono::steady_clock::now() >= deadline_) {
      log_.event(LogLevel::error, "request exceeded REQUEST_TIMEOUT_S (" +
                                      std::to_string(limit_.count()) +
                                      " s); worker exits to be replaced");
      _exit(70);  // EX_SOFTWARE; the pool starts a fresh worker
    }
  }
}

}  // namespace crud
