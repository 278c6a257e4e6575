// The caller check for live-event subscribers: nginx's auth_request asks
// this endpoint before it lets a GET /api/events subscriber in. 204 admits;
// a 401 here becomes nginx's JSON 401 for the subscriber.
#include "crud/serve.h"

using namespace crud;

static Response admit_subscriber(const Request& req, Context& ctx) {
  require_caller(req, ctx);
  return empty_response(204);
}

int main() { return serve({"events_auth", {"GET"}, admit_subscriber}); }
