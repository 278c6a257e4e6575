// UserCache: versioned entries in Redis, replaced only by newer versions.
#include "crud/user_cache.h"

#include "crud/caller_states.h"
#include "crud/text.h"

namespace crud {

namespace {

constexpr std::string_view kTombstone = "deleted";

// KEYS[1] entry, ARGV[1] version, ARGV[2] value, ARGV[3] ttl. Atomic in
// Redis, so no reader can slip an older version in between the check and
// the write.
constexpr std::string_view kStoreIfNewer = R"lua(
local current = redis.call('GET', KEYS[1])
if current then
  if current == 'deleted' then return 0 end
  local version = tonumber(string.match(current, '^(%d+)\n'))
  if version and version >= tonumber(ARGV[1]) then return 0 end
end
redis.call('SET', KEYS[1], ARGV[2], 'EX', ARGV[3])
return 1
)lua";

}  // namespace

UserCache::UserCache(Redis& redis, UserStore& users, const Logger& log, int ttl_s)
    : redis_(redis), users_(users), log_(log), ttl_s_(std::to_string(ttl_s)) {}

std::string UserCache::encode(const User& user) {
  return std::to_string(user.version) + "\n" + user.created_at + "\n" + user.updated_at + "\n" +
         user.username;
}

std::optional<User> UserCache::decode(std::int64_t id, std::string_view value) {
  std::vector<std::string_view> parts;
  for (int i = 0; i < 3; ++i) {
    auto nl = value.find('\n');
    if (nl == std::string_view::npos) return std::nullopt;
    parts.push_back(value.substr(0, nl));
    value.remove_prefix(nl + 1);
  }
  auto version = parse_decimal(parts[0]);
  if (!version || value.empty()) return std::nullopt;
  User user;
  user.id = id;
  user.version = *version;
  user.created_at = std::string(parts[1]);
  user.updated_at = std::string(parts[2]);
  user.username = std::string(value);
  return user;
}

// Both generations are known: the key can be named.
bool UserCache::usable() { return generation_ && redis_.connected(); }

std::string UserCache::key(std::int64_t id) const {
  return "cache:" + redis_.server_run_id() + ":" + std::to_string(*generation_) +
         ":user:" + std::to_string(id);
}

UserCache::Lookup UserCache::get(std::int64_t id) {
  if (!usable()) return {};
  auto reply = redis_.command({"GET", key(id)});
  if (!reply || reply->type != REDIS_REPLY_STRING) return {};
  std::string_view value(reply->str, reply->len);
  if (value == kTombstone) return {State::deleted, {}};
  auto user = decode(id, value);
  if (!user) {
    log_.event(LogLevel::warn, "unreadable user cache entry ignored");
    return {};
  }
  return {State::hit, *user};
}

bool UserCache::store(std::int64_t id, const std::string& value) {
  if (!usable()) return false;
  return redis_.command(store_command(id, value)) != nullptr;
}

// The command that stores `value` (an encoded user or the tombstone).
std::vector<std::string> UserCache::store_command(std::int64_t id, const std::string& value) const {
  if (value == kTombstone) return {"SET", key(id), value, "EX", ttl_s_};
  std::string version = value.substr(0, value.find('\n'));
  return {"EVAL", std::string(kStoreIfNewer), "1", key(id), version, value, ttl_s_};
}

void UserCache::offer(const User& user) { store(user.id, encode(user)); }

void UserCache::committed(const User& user) { store_committed(user.id, encode(user)); }

void UserCache::deleted(std::int64_t id) { store_committed(id, std::string(kTombstone)); }

// Queued, to share a round trip with the change's event (events.h).
void UserCache::store_committed(std::int64_t id, const std::string& value) {
  if (!redis_.configured()) return;
  if (!usable()) return start_new_generation();
  redis_.queue(store_command(id, value), [this](const Redis::Reply& stored) {
    if (!stored) start_new_generation();
  });
}

// A committed change Redis could not be told about: retire every entry of
// the current generation (the cache starts cold) rather than risk one stale.
void UserCache::start_new_generation() {
  log_.event(LogLevel::warn, "user cache not updated after a write: starting a new generation");
  try {
    users_.start_cache_generation();
    // Workers learn the generation with the caller's state (caller_states.h).
    CallerStates::outlive_remembered();
  } catch (const ApiError&) {  // the write itself is committed: still a success
    log_.event(LogLevel::error, "could not start a new user cache generation");
  }
}

}  // namespace crud
