// CallerStates: what a worker may reuse of the caller check, and for how long.
#include "crud/caller_states.h"

#include <gtest/gtest.h>

namespace crud {
namespace {

using Clock = CallerStates::Clock;
using std::chrono::milliseconds;

CallerState state_with_version(std::int64_t version) { return CallerState{"user", version, 7}; }

TEST(CallerStates, ReusedOnlyWhileFresh) {
  CallerStates states;
  const auto asked = Clock::now();
  states.remember(1, state_with_version(3), asked);
  auto found = states.find(1, asked + milliseconds(99));
  ASSERT_TRUE(found);
  EXPECT_EQ(found->token_version, 3);
  EXPECT_EQ(found->cache_generation, 7);
  EXPECT_FALSE(states.find(1, asked + CallerStates::kFresh));
  EXPECT_FALSE(states.find(2, asked));
}

TEST(CallerStates, ForgetAndReplace) {
  CallerStates states;
  const auto asked = Clock::now();
  states.remember(1, state_with_version(3), asked);
  states.remember(1, state_with_version(4), asked);
  EXPECT_EQ(states.find(1, asked)->token_version, 4);
  states.forget(1);
  EXPECT_FALSE(states.find(1, asked));
}

TEST(CallerStates, StaysBoundedWithManyCallers) {
  CallerStates states;
  const auto fill = [&](Clock::time_point asked) {
    for (std::int64_t id = 1; id <= static_cast<std::int64_t>(CallerStates::kMaxCallers); ++id)
      states.remember(id, state_with_version(1), asked);
  };
  const auto asked = Clock::now();
  fill(asked);
  EXPECT_EQ(states.size(), CallerStates::kMaxCallers);
  // A new caller once the others expired: they make room.
  const auto later = asked + CallerStates::kFresh;
  states.remember(0, state_with_version(1), later);
  EXPECT_EQ(states.size(), 1u);
  EXPECT_TRUE(states.find(0, later));
  // Full of fresh entries: they all go, the new caller is remembered.
  states.forget(0);
  fill(later);
  EXPECT_EQ(states.size(), CallerStates::kMaxCallers);
  states.remember(-1, state_with_version(1), later);
  EXPECT_EQ(states.size(), 1u);
  EXPECT_TRUE(states.find(-1, later));
}

TEST(CallerStates, OutlivingTakesLongerThanFreshness) {
  const auto start = Clock::now();
  CallerStates::outlive_remembered();
  EXPECT_GT(Clock::now() - start, CallerStates::kFresh);
}

}  // namespace
}  // namespace crud
