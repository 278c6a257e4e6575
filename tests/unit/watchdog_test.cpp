// RequestWatchdog: a request armed longer than the limit ends the worker
// (exit code 70, so its pool replaces it); a disarmed one never does.
#include "crud/watchdog.h"

#include <gtest/gtest.h>

#include <cstdlib>
#include <thread>

namespace crud {
namespace {

using std::chrono::milliseconds;
using std::chrono::seconds;

TEST(RequestWatchdogDeathTest, AStuckRequestEndsTheWorkerWithinTheLimitAndACheck) {
  GTEST_FLAG_SET(death_test_style, "threadsafe");
  EXPECT_EXIT(
      {
        Logger log("watchdog_test", "info");
        RequestWatchdog watchdog(log, seconds(1));
        watchdog.arm("stuck-request");
        std::this_thread::sleep_for(seconds(1) + RequestWatchdog::kCheckEvery + milliseconds(500));
        std::exit(0);  // not reached when the watchdog works
      },
      ::testing::ExitedWithCode(70), "request exceeded REQUEST_TIMEOUT_S");
}

TEST(RequestWatchdogDeathTest, DisarmedRequestsNeverEndTheWorker) {
  GTEST_FLAG_SET(death_test_style, "threadsafe");
  EXPECT_EXIT(
      {
        Logger log("watchdog_test", "info");
        RequestWatchdog watchdog(log, seconds(1));
        for (int i = 0; i < 6; ++i) {  // 3 s of short requests
          watchdog.arm("quick-request");
          std::this_thread::sleep_for(milliseconds(400));
          watchdog.disarm();
          std::this_thread::sleep_for(milliseconds(100));
        }
        std::exit(0);
      },
      ::testing::ExitedWithCode(0), "");
}

}  // namespace
}  // namespace crud
