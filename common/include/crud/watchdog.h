// A per-worker watchdog: a request still running after REQUEST_TIMEOUT_S
// ends the worker (logged), so a stuck worker is replaced by its pool's
// multiwatch instead of staying busy forever. nginx has long answered the
// client 504 by then.
#pragma once

#include <chrono>
#include <condition_variable>
#include <mutex>
#include <string>
#include <thread>

#include "crud/log.h"

namespace crud {

class RequestWatchdog {
 public:
  // How often the thread looks at the deadline (see watch()).
  static constexpr std::chrono::milliseconds kCheckEvery{500};

  RequestWatchdog(const Logger& log, std::chrono::seconds limit);
  ~RequestWatchdog();
  RequestWatchdog(const RequestWatchdog&) = delete;
  RequestWatchdog& operator=(const RequestWatchdog&) = delete;

  // A request starts / finishes: arms and disarms the deadline.
  void arm(const std::string& request_id);
  void disarm();

 private:
  void watch();
  Logger log_;  // its own copy: the watchdog thread never touches the worker's
  std::chrono::seconds limit_;
  std::mutex mutex_;
  std::condition_variable changed_;                   // only to stop the thread
  std::chrono::steady_clock::time_point deadline_{};  // epoch = disarmed
  bool stopping_ = false;
  std::thread thread_;
};

}  // namespace crud
