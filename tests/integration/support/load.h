// Steady background load for tests that change the stack while clients keep
// calling it: each load thread repeats one step until stopped and tallies
// every answer, so a test can demand that not a single one failed.
#pragma once

#include <atomic>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "support/http_client.h"

namespace itest {

// What one load thread saw.
struct Tally {
  long answers = 0;                     // HTTP answers received
  long failures = 0;                    // answers other than 2xx/304, and transport errors
  std::vector<std::string> samples;     // the first few failures, described
  std::map<int, long> by_status;        // answers per HTTP status; 0 counts transport errors
  std::vector<Response> server_errors;  // every 5xx answer, for checks of their bodies

  // Sends via `send` and counts the outcome; the response, or one with
  // status 0 and the transport error as its body when none arrived.
  Response observe(const std::function<Response()>& send);
  // Sends via `send` and counts the outcome; the response when it is a
  // success (2xx or 304), nullopt otherwise.
  std::optional<Response> send(const std::function<Response()>& send);
};

class Load {
 public:
  Load() = default;
  Load(const Load&) = delete;
  Load& operator=(const Load&) = delete;
  ~Load() { stop(); }

  // Starts a thread that calls `step` with its own tally until stop().
  void run(std::function<void(Tally&)> step);
  // Stops and joins every thread; tallies stay readable.
  void stop();
  // Every thread's tally, in the order run() was called.
  const std::vector<std::unique_ptr<Tally>>& tallies() const { return tallies_; }

 private:
  std::atomic<bool> stopping_{false};
  std::vector<std::thread> threads_;
  std::vector<std::unique_ptr<Tally>> tallies_;
};

}  // namespace itest
