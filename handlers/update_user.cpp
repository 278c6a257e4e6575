// PUT /api/users/{id}: change the username, optionally only if the client's
// ETag (If-Match) is still current.
#include "crud/json.h"
#include "crud/serve.h"

using namespace crud;

static Response update_user(const Request& req, Context& ctx) {
  std::int64_t id = user_id_from_path(req);
  require_self_or_admin(require_caller(req, ctx), id);
  require_json_body(req);
  JsonBody body(req.body, {"username"});
  std::string username = body.string("username");
  auto problems = username_problems(username);
  if (!problems.empty()) throw ApiError(ErrorCode::validation_failed, problems);

  std::optional<IfMatch> expected;
  if (!req.header("If-Match").empty()) expected = parse_if_match(req.header("If-Match"));
  ChangeTurn turn(ctx.users, id);  // this rename's event goes out before the next one's
  RenameResult result = ctx.users.rename(id, username, expected);
  if (result.outcome == RenameOutcome::not_found) throw ApiError(ErrorCode::not_found);
  if (result.outcome == RenameOutcome::version_mismatch)
    throw ApiError(ErrorCode::precondition_failed);
  ctx.cache.committed(result.user);
  ctx.events.publish(UserChange::updated, result.user);

  JsonWriter w;
  w.begin_object().field("message", "User updated successfully").end_object();
  return json_response(200, w.str()).with_header("ETag", etag_of(result.user));
}

int main() { return serve({"update_user", {"PUT"}, update_user}); }
