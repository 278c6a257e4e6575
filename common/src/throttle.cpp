// LoginThrottle: Redis keys login:fail:<hash> (a counter living for the
// window) and login:lock:<hash> (expiring with the lock); the database
// table login_throttle does the same job when Redis does not answer.
#include "crud/throttle.h"

#include <algorithm>

#include "crud/auth.h"
#include "crud/auth_store.h"
#include "crud/log.h"
#include "crud/redis.h"
#include "crud/text.h"

namespace crud {

constexpr std::int64_t kLimit = 5, kWindowS = 15 * 60, kFirstLockS = 30, kMaxLockS = 15 * 60;

std::int64_t lockout_seconds(std::int64_t failures) {
  if (failures < kLimit) return 0;
  std::int64_t doublings = std::min<std::int64_t>(failures - kLimit, 20);
  return std::min(kFirstLockS << doublings, kMaxLockS);
}

// Keys never hold what the client typed: a hash of the lower-cased name, so
// unknown names are throttled exactly like known ones.
static std::string account_key(const std::string& username) {
  return sha256_hex(ascii_lower(username));
}

std::int64_t LoginThrottle::locked_for(const std::string& username) {
  std::string key = account_key(username);
  if (auto reply = redis_.command({"TTL", "login:lock:" + key}))
    return std::max<long long>(reply->integer, 0);
  return store_.login_locked_for(key);
}

void LoginThrottle::record_failure(const std::string& username) {
  std::string key = account_key(username);
  std::string count_key = "login:fail:" + key;
  auto counted = redis_.command({"INCR", count_key});
  std::int64_t failures = 0;
  if (counted) {
    failures = counted->integer;
    if (failures == 1) redis_.command({"EXPIRE", count_key, std::to_string(kWindowS)});
  } else {
    failures = store_.record_login_failure(key, kWindowS);
  }
  std::int64_t lock = lockout_seconds(failures);
  if (lock == 0) return;
  log_.event(LogLevel::warn, "account locked after " + std::to_string(failures) +
                                 " failed logins for " + std::to_string(lock) + " s");
  if (!counted || !redis_.command({"SET", "login:lock:" + key, "1", "EX", std::to_string(lock)}))
    store_.lock_login(key, lock);
}

void LoginThrottle::reset(const std::string& username) {
  std::string key = account_key(username);
  if (!redis_.command({"DEL", "login:fail:" + key, "login:lock:" + key}))
    store_.clear_login_failures(key);
}

}  // namespace crud
