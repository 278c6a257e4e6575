// The SPEC's live events. After a create, update or delete commits, the
// event goes to nchan (an HTTP POST to nginx's internal publisher socket;
// nchan fans it out to SSE, WebSocket and long-poll subscribers through
// Redis) and to the Redis pub/sub channel `user-events`. A failed publish is
// logged and counted, never an error for the write that caused it.
#pragma once

#include <string>

#include "crud/config.h"
#include "crud/log.h"
#include "crud/metrics.h"
#include "crud/redis.h"
#include "crud/users.h"

namespace crud {

enum class UserChange { created, updated, deleted };

// The event's type field, e.g. "user.updated".
const char* event_type(UserChange change);
// The event body: {"type","user_id","username","at"} (at = updated_at).
std::string event_json(UserChange change, const User& user);

class EventPublisher {
 public:
  EventPublisher(const Config& config, Redis& redis, const Logger& log, WorkerMetrics& metrics);
  // Publishes to every configured target, with the Redis commands queued
  // before it (the change's cache write) in the same round trip; never throws.
  void publish(UserChange change, const User& user);

 private:
  bool publish_to_nchan(const char* type, const std::string& body);
  const Config& config_;
  Redis& redis_;
  const Logger& log_;
  WorkerMetrics& metrics_;
};

}  // namespace crud
