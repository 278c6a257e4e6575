// PUT /api/users/{id}/password: a new password for the user (themself, or
// any user for an admin). current_password is the caller's own password:
// whoever holds the session must prove they know it. Every older token and
// session of the user stops working; the caller gets a fresh pair.
#include "crud/json.h"
#include "crud/serve.h"

using namespace crud;

static Response change_password(const Request& req, Context& ctx) {
  std::int64_t id = user_id_from_path(req, "/password");
  Caller caller = require_caller(req, ctx);
  require_self_or_admin(caller, id);
  require_json_body(req);
  JsonBody body(req.body, {"current_password", "new_password"});
  std::string current = body.string("current_password");
  std::string next = body.string("new_password");

  auto me = ctx.auth.credentials_by_id(caller.id);
  auto target = caller.id == id ? me : ctx.auth.credentials_by_id(id);
  if (!me) throw ApiError(ErrorCode::unauthorized);
  if (!target) throw ApiError(ErrorCode::not_found);
  if (auto wait = ctx.throttle.locked_for(me->username); wait > 0)
    throw ApiError(ErrorCode::too_many_login_attempts).retry_after(wait);
  if (!ctx.passwords.verify(me->password_hash, current)) {
    ctx.throttle.record_failure(me->username);  // guessing here counts as failed logins
    throw ApiError(ErrorCode::wrong_password);
  }
  auto problems = password_problems(next, target->username);
  for (auto& p : problems) p.field = "new_password";
  if (!problems.empty()) throw ApiError(ErrorCode::validation_failed, problems);

  std::int64_t version = ctx.auth.change_password(id, ctx.passwords.hash(next));
  CallerStates::outlive_remembered();  // older tokens fail everywhere once this answers
  bool own = caller.id == id;
  return token_response(ctx, issue_tokens(ctx, caller.id, caller.role,
                                          own ? version : me->token_version, caller.via_session()));
}

int main() { return serve({"change_password", {"PUT"}, change_password, CpuPriority::low}); }
