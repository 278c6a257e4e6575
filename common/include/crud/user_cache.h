// Cache-aside for reads of one user, in Redis. Every entry carries the row's
// version, and a Lua script only ever replaces an entry with a newer version,
// so a reader that fetched a row before a write can never put the old row
// back after the writer stored the new one; a delete leaves a tombstone that
// outlives any such reader. Keys include the Redis run_id: a restarted Redis
// (whose append-only file may lag the last writes) starts with an empty cache.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "crud/log.h"
#include "crud/redis.h"
#include "crud/users.h"

namespace crud {

class UserCache {
 public:
  UserCache(Redis& redis, const Logger& log, int ttl_s);

  enum class State { miss, hit, deleted };
  struct Lookup {
    State state = State::miss;
    User user;  // when hit (the role is not cached)
  };
  // What the cache holds for this id; a miss when Redis is unavailable.
  Lookup get(std::int64_t id);
  // Offers a row read from the database: stored unless the cache already
  // holds this version, a newer one or a tombstone.
  void offer(const User& user);
  // Records a committed create or update (as `offer`) or delete (a
  // tombstone). When Redis cannot be told now, this worker tries again
  // before its next cache use; until then readers elsewhere may see the old
  // entry for at most the TTL.
  void committed(const User& user);
  void deleted(std::int64_t id);

  // The value stored for a user, and back (pure; unit tested).
  static std::string encode(const User& user);
  static std::optional<User> decode(std::int64_t id, std::string_view value);

 private:
  std::string key(std::int64_t id) const;
  bool store(std::int64_t id, const std::string& value);
  void remember(std::int64_t id, std::string value);
  void retry_pending();

  Redis& redis_;
  const Logger& log_;
  std::string ttl_s_;
  // Writes that committed while Redis could not be told, retried before the
  // next use: until then an entry may be stale (bounded by the TTL).
  std::vector<std::pair<std::int64_t, std::string>> pending_;
};

}  // namespace crud
