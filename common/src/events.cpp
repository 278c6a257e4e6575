// Event publishing: nchan over nginx's internal server, and Redis pub/sub.
#include "crud/events.h"

#include <chrono>
#include <thread>

#include "crud/internal_http.h"
#include "crud/json.h"

namespace crud {

const char* event_type(UserChange change) {
  switch (change) {
    case UserChange::created:
      return "user.created";
    case UserChange::updated:
      return "user.updated";
    case UserChange::deleted:
      return "user.deleted";
  }
  return "";
}

std::string event_json(UserChange change, const User& user) {
  JsonWriter w;
  w.begin_object()
      .field("type", event_type(change))
      .field("user_id", user.id)
      .field("username", user.username)
      .field("at", user.updated_at)
      .end_object();
  return w.str();
}

EventPublisher::EventPublisher(const Config& config, Redis& redis, const Logger& log,
                               WorkerMetrics& metrics)
    : config_(config), redis_(redis), log_(log), metrics_(metrics) {}

// Redis's part (the event, after any cache write queued for the change) is
// written first, so it reaches Redis before nchan hears of the change; its
// replies are read after nchan's answer: one wait for both.
void EventPublisher::publish(UserChange change, const User& user) {
  std::string body = event_json(change, user);
  const char* type = event_type(change);
  if (redis_.configured())
    redis_.queue({"PUBLISH", "user-events", body}, [this, type](const Redis::Reply& published) {
      if (published) return;
      log_.event(LogLevel::warn, std::string("event not published to user-events: ") + type);
      metrics_.count(Counter::events_redis_failed);
    });
  redis_.send_queued();
  if (!config_.events_publish_socket.empty() && !publish_to_nchan(type, body)) {
    log_.event(LogLevel::warn, std::string("event not published to nchan: ") + type);
    metrics_.count(Counter::events_nchan_failed);
  }
  redis_.finish_queued();
}

// nginx workers that have just started (after a reload) answer 503 for some
// milliseconds, until their Redis connection is up: such an event goes again
// after short pauses instead of being lost. 35 ms in all keeps the wait within
// the 50 ms any Redis wait may take; while nchan's Redis is down, every write
// waits that long before its event is counted as lost.
constexpr int kNchanRetryPausesMs[] = {5, 10, 20};

bool EventPublisher::publish_to_nchan(const char* type, const std::string& body) {
  std::string headers =
      std::string("Content-Type: application/json\r\nX-EventSource-Event: ") + type + "\r\n";
  auto post = [&] {
    return internal_http_request(config_.events_publish_socket, "POST", "/users", headers, body,
                                 config_.redis_timeout_ms);
  };
  HttpReply reply = post();
  for (int pause_ms : kNchanRetryPausesMs) {
    if (reply.status != 503) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(pause_ms));
    reply = post();
  }
  return reply.status >= 200 && reply.status < 300;
}

}  // namespace crud
