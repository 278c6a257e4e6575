// GET /api/users/{id}: one user, with its ETag (and 304 for If-None-Match),
// through the Redis cache (see user_cache.h for why it is never stale).
#include "crud/json.h"
#include "crud/serve.h"

using namespace crud;

static Response read_user(const Request& req, Context& ctx) {
  std::int64_t id = user_id_from_path(req);
  require_caller(req, ctx);
  std::optional<User> user;
  UserCache::Lookup cached = ctx.cache.get(id);
  bool hit = cached.state != UserCache::State::miss;
  ctx.metrics.count(hit ? Counter::cache_hits : Counter::cache_misses);
  if (cached.state == UserCache::State::deleted) throw ApiError(ErrorCode::not_found);
  if (hit) {
    user = std::move(cached.user);
  } else {
    user = ctx.users.find(id);
    if (!user) throw ApiError(ErrorCode::not_found);
    ctx.cache.offer(*user);
  }

  std::string etag = etag_of(*user);
  if (if_none_match_hits(req.header("If-None-Match"), etag))
    return empty_response(304).with_header("ETag", etag);
  JsonWriter w;
  write_user(w, *user);
  return json_response(200, w.str()).with_header("ETag", etag);
}

int main() { return serve({"read_user", {"GET", "HEAD"}, read_user}); }
