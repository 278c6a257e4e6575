// Polling for a state that arrives asynchronously (nginx reloads, a pool
// coming back), instead of sleeping for a guessed time.
#pragma once

#include <chrono>
#include <thread>

namespace itest {

// Calls `done` every 100 ms until it returns true or `timeout` passes;
// returns its last answer.
template <class Condition>
bool eventually(Condition done, std::chrono::milliseconds timeout = std::chrono::seconds(5)) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  for (;;) {
    if (done()) return true;
    if (std::chrono::steady_clock::now() >= deadline) return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
}

}  // namespace itest
