// Failed-login throttling per account (the SPEC's rule): after 5 failures
// within 15 minutes the account is locked for a delay that doubles with each
// further failure (30 s, 60 s, ... up to 15 min); a good login resets it.
// Counts live in Redis, or in the database whenever Redis is unavailable.
#pragma once

#include <cstdint>
#include <string>

namespace crud {

class AuthStore;
class Logger;
class Redis;

class LoginThrottle {
 public:
  LoginThrottle(Redis& redis, AuthStore& store, const Logger& log)
      : redis_(redis), store_(store), log_(log) {}
  // Seconds this account must still wait (0: it may try now).
  std::int64_t locked_for(const std::string& username);
  void record_failure(const std::string& username);
  void reset(const std::string& username);

 private:
  Redis& redis_;
  AuthStore& store_;
  const Logger& log_;
};

// The lock after `failures` failures within the window (0 below the limit).
std::int64_t lockout_seconds(std::int64_t failures);

}  // namespace crud
