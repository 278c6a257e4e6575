// Cache-aside for reads of one user, in Redis. Every entry carries the row's
// version, and a Lua script only ever replaces an entry with a newer version,
// so a reader that fetched a row before a write can never put the old row
// back after the writer stored the new one; a delete leaves a tombstone that
// outlives any such reader. Keys name two generations: the Redis run_id (a
// restarted Redis, whose append-only file may lag the last writes, starts
// empty) and the cache generation in PostgreSQL, which a writer that could
// not update Redis after its commit bumps before it answers, so no reader
// anywhere uses an entry that writer could not correct. Callers learn the
// generation with their credentials (use_generation); without it (no
// authenticated caller) the cache is not used.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "crud/log.h"
#include "crud/redis.h"
#include "crud/store.h"
#include "crud/users.h"

namespace crud {

class UserCache {
 public:
  UserCache(Redis& redis, UserStore& users, const Logger& log, int ttl_s);

  // The cache generation for this request, read from PostgreSQL with the
  // caller's credentials; forget_generation at the end of the request.
  void use_generation(std::int64_t generation) { generation_ = generation; }
  void forget_generation() { generation_.reset(); }

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
  // Records a committed update (as `offer`) or delete (a tombstone), queued
  // in Redis to go with the change's event (EventPublisher::publish sends
  // it; any later command would). When Redis cannot be told, bumps the cache
  // generation instead.
  void committed(const User& user);
  void deleted(std::int64_t id);

  // The value stored for a user, and back (pure; unit tested).
  static std::string encode(const User& user);
  static std::optional<User> decode(std::int64_t id, std::string_view value);

 private:
  std::string key(std::int64_t id) const;
  bool usable();
  bool store(std::int64_t id, const std::string& value);
  std::vector<std::string> store_command(std::int64_t id, const std::string& value) const;
  void store_committed(std::int64_t id, const std::string& value);
  void start_new_generation();

  Redis& redis_;
  UserStore& users_;
  const Logger& log_;
  std::string ttl_s_;
  std::optional<std::int64_t> generation_;
};

}  // namespace crud
