// DELETE /api/users/{id}: remove a user; 204 with no body.
#include "crud/serve.h"

using namespace crud;

static Response delete_user(const Request& req, Context& ctx) {
  std::int64_t id = user_id_from_path(req);
  require_self_or_admin(require_caller(req, ctx), id);
  ChangeTurn turn(ctx.users, id);  // the delete's event goes out after earlier renames'
  std::optional<User> removed = ctx.users.remove(id);
  if (!removed) throw ApiError(ErrorCode::not_found);
  ctx.cache.deleted(id);
  ctx.events.publish(UserChange::deleted, *removed);
  CallerStates::outlive_remembered();  // the user's tokens fail everywhere once this answers
  return empty_response(204);
}

int main() { return serve({"delete_user", {"DELETE"}, delete_user}); }
