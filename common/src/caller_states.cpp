#include "crud/caller_states.h"

#include <thread>

namespace crud {

std::optional<CallerState> CallerStates::find(std::int64_t user_id, Clock::time_point now) const {
  auto it = entries_.find(user_id);
  if (it == entries_.end() || now - it->second.asked_at >= kFresh) return std::nullopt;
  return it->second.state;
}

void CallerStates::remember(std::int64_t user_id, const CallerState& state,
                            Clock::time_point asked_at) {
  if (entries_.size() >= kMaxCallers && !entries_.count(user_id)) {
    // Many distinct callers: drop the expired ones, or all when none has.
    for (auto it = entries_.begin(); it != entries_.end();)
      it = asked_at - it->second.asked_at >= kFresh ? entries_.erase(it) : std::next(it);
    if (entries_.size() >= kMaxCallers) entries_.clear();
  }
  entries_[user_id] = Entry{state, asked_at};
}

void CallerStates::outlive_remembered() {
  // A margin over kFresh for the scheduler's wake-up jitter.
  std::this_thread::sleep_for(kFresh + std::chrono::milliseconds(10));
}

}  // namespace crud
