// GET /healthz (the process answers) and GET /readyz (PostgreSQL answers;
// Redis down is "degraded" but still ready).
#include "crud/json.h"
#include "crud/serve.h"

using namespace crud;

static Response health(const Request& req, Context& ctx) {
  if (req.path == "/healthz") return json_response(200, R"({"status":"ok"})");
  if (req.path != "/readyz") throw ApiError(ErrorCode::not_found);

  bool postgres_up = ctx.db.ping();
  if (!postgres_up) throw ApiError(ErrorCode::service_unavailable, "postgres", "down");
  const char* redis = !ctx.redis.configured() ? "off" : ctx.redis.ping() ? "up" : "down";
  bool degraded = std::string_view(redis) == "down";

  JsonWriter w;
  w.begin_object()
      .field("status", degraded ? "degraded" : "ready")
      .field("postgres", "up")
      .field("redis", redis)
      .end_object();
  return json_response(200, w.str());
}

int main() { return serve({"health", {"GET", "HEAD"}, health}); }
