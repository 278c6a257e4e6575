// GET /healthz (the process answers) and GET /readyz (the database answers,
// PostgreSQL or SQLite, named in "database"; Redis down or a dead worker pool
// is "degraded" but still ready; no Redis configured is "off", not degraded).
#include "crud/json.h"
#include "crud/pool_probe.h"
#include "crud/serve.h"

using namespace crud;

static Response health(const Request& req, Context& ctx) {
  if (req.path == "/healthz") return json_response(200, R"({"status":"ok"})");
  if (req.path != "/readyz") throw ApiError(ErrorCode::not_found);

  const char* database = ctx.storage->name();
  if (!ctx.storage->ping()) throw ApiError(ErrorCode::service_unavailable, database, "down");
  const char* redis = !ctx.redis.configured() ? "off" : ctx.redis.ping() ? "up" : "down";
  // A pool that crash-looped until multiwatch gave up shows here, not only
  // as a quietly smaller pool.
  auto pools_down = unreachable_pools(ctx.config.pool_socket_dir);
  bool degraded = std::string_view(redis) == "down" || !pools_down.empty();

  JsonWriter w;
  w.begin_object()
      .field("status", degraded ? "degraded" : "ready")
      .field("database", database)
      .field(database, "up")
      .field("redis", redis)
      .key("pools_down")
      .begin_array();
  for (const auto& pool : pools_down) w.value(pool);
  w.end_array().end_object();
  return json_response(200, w.str());
}

int main() { return serve({"health", {"GET", "HEAD"}, health}); }
