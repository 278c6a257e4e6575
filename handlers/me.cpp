// GET /api/me: the caller's own user, with role and whether 2FA is on.
#include "crud/json.h"
#include "crud/serve.h"

using namespace crud;

static Response me(const Request& req, Context& ctx) {
  Caller caller = require_caller(req, ctx);
  auto user = ctx.users.find(caller.id);
  auto credentials = ctx.auth.credentials_by_id(caller.id);
  if (!user || !credentials) throw ApiError(ErrorCode::unauthorized);  // deleted meanwhile

  JsonWriter w;
  w.begin_object()
      .field("user_id", user->id)
      .field("username", user->username)
      .field("created_at", user->created_at)
      .field("updated_at", user->updated_at)
      .field("role", user->role)
      .field("totp_enabled", credentials->totp_enabled)
      .end_object();
  return json_response(200, w.str()).with_header("ETag", etag_of(*user));
}

int main() { return serve({"me", {"GET", "HEAD"}, me}); }
