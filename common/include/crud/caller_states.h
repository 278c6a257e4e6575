// What each worker remembers of the caller check. Every authenticated
// request needs the caller's role, token version and the cache generation
// (one PostgreSQL query); a worker keeps what it read for kFresh, so a
// client's burst of requests costs one query, not one each. Writers that
// change any of it (a password change, a delete, a new cache generation)
// call outlive_remembered() before they answer: once a write has answered,
// no worker still uses what it replaced, and revocation stays immediate.
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <unordered_map>

#include "crud/auth_store.h"

namespace crud {

class CallerStates {
 public:
  using Clock = std::chrono::steady_clock;
  static constexpr auto kFresh = std::chrono::milliseconds(100);
  static constexpr std::size_t kMaxCallers = 4096;

  // The state read for this user, if it was asked for less than kFresh
  // before `now`.
  std::optional<CallerState> find(std::int64_t user_id, Clock::time_point now) const;
  // Records a state read by a query sent at `asked_at`: the freshness counts
  // from before the query, so it can only end early, never late.
  void remember(std::int64_t user_id, const CallerState& state, Clock::time_point asked_at);
  void forget(std::int64_t user_id) { entries_.erase(user_id); }
  std::size_t size() const { return entries_.size(); }

  // Sleeps until every state any worker read before this call has expired.
  static void outlive_remembered();

 private:
  struct Entry {
    CallerState state;
    Clock::time_point asked_at;
  };
  std::unordered_map<std::int64_t, Entry> entries_;
};

}  // namespace crud
