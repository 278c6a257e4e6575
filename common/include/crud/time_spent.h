// Time a worker spends waiting on one dependency (PostgreSQL, Redis): summed
// by scopes around each call, taken per request for its log line and metrics.
#pragma once

#include <chrono>

namespace crud {

class TimeSpent {
 public:
  using Clock = std::chrono::steady_clock;

  // Adds the time from its construction to its destruction.
  class Scope {
   public:
    explicit Scope(TimeSpent& total) : total_(total), start_(Clock::now()) {}
    ~Scope() { total_.spent_ += Clock::now() - start_; }
    Scope(const Scope&) = delete;
    Scope& operator=(const Scope&) = delete;

   private:
    TimeSpent& total_;
    Clock::time_point start_;
  };

  // The time summed since the last take, in seconds; starts a new sum.
  double take_seconds() {
    double s = std::chrono::duration<double>(spent_).count();
    spent_ = {};
    return s;
  }

 private:
  Clock::duration spent_{};
};

}  // namespace crud
