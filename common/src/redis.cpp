// hiredis behind RAII with millisecond timeouts on connect and on commands.
#include "crud/redis.h"

#include <sys/time.h>

#include <cstdlib>

#include "crud/text.h"

namespace crud {

Redis::Redis(const Config& config, const Logger& log) : config_(config), log_(log) {}

static timeval to_timeval(int ms) {
  timeval tv{};
  tv.tv_sec = ms / 1000;
  tv.tv_usec = (ms % 1000) * 1000;
  return tv;
}

bool Redis::connect() {
  timeval tv = to_timeval(config_.redis_timeout_ms);
  const std::string& url = config_.redis_url;
  redisContext* c = nullptr;
  if (starts_with(url, "unix://")) {
    c = redisConnectUnixWithTimeout(url.substr(7).c_str(), tv);
  } else {
    std::string rest = url.substr(8);  // after redis://
    rest = rest.substr(0, rest.find('/'));
    auto colon = rest.rfind(':');
    std::string host = rest.substr(0, colon);
    int port = colon == std::string::npos ? 6379 : std::atoi(rest.c_str() + colon + 1);
    c = redisConnectWithTimeout(host.c_str(), port, tv);
  }
  ctx_.reset(c);
  if (!c || c->err) {
    log_.event(LogLevel::warn, std::string("redis connect failed: ") + (c ? c->errstr : "oom"));
    ctx_.reset();
    return false;
  }
  redisSetTimeout(c, tv);  // connect timeout does not cover commands
  return true;
}

bool Redis::ping() {
  if (!configured()) return false;
  if (!ctx_ && !connect()) return false;
  auto* reply = static_cast<redisReply*>(redisCommand(ctx_.get(), "PING"));
  bool ok = reply && reply->type == REDIS_REPLY_STATUS;
  if (reply) freeReplyObject(reply);
  if (!ok) ctx_.reset();  // a timed-out or broken context is dead
  return ok;
}

}  // namespace crud
