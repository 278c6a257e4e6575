// A small RAII client over hiredis for one worker: connect and command
// timeouts (set again after every reconnect: hiredis 0.14 forgets them), and
// a dead context is dropped so the next call reconnects.
#pragma once

#include <hiredis/hiredis.h>

#include <memory>
#include <string>

#include "crud/config.h"
#include "crud/log.h"

namespace crud {

class Redis {
 public:
  Redis(const Config& config, const Logger& log);
  // False when REDIS_URL is not set: Redis features are then off.
  bool configured() const { return !config_.redis_url.empty(); }
  // True when Redis answers PING within the timeout.
  bool ping();

 private:
  bool connect();
  struct Free {
    void operator()(redisContext* c) const { redisFree(c); }
  };
  const Config& config_;
  const Logger& log_;
  std::unique_ptr<redisContext, Free> ctx_;
};

}  // namespace crud
