// The caller check for live-event subscribers: nginx's auth_request asks
// this endpoint before it lets a GET /api/events subscriber in. 204 admits;
// a 401 here becomes nginx's JSON 401 for the subscriber.
#include <ctime>
#include <string>

#include "crud/serve.h"

using namespace crud;

// Where the stream of a subscriber that names no Last-Event-ID starts: after
// "<second>:-1", every event from that second on (event ids are "<unix
// second>:<index>"). nginx hands it to nchan, which then reads the stream
// back from Redis and goes on by id; without a position nchan waits for its
// Redis subscription, which a fresh nginx worker sets up only after it has
// answered the subscriber, and misses what is published meanwhile. Starting
// a second back covers clocks that differ by less than that.
static std::string stream_start() { return std::to_string(std::time(nullptr) - 1) + ":-1"; }

static Response admit_subscriber(const Request& req, Context& ctx) {
  require_caller(req, ctx);
  return empty_response(204).with_header("X-Events-Start", stream_start());
}

int main() { return serve({"events_auth", {"GET"}, admit_subscriber}); }
