// POST /api/login: password (and TOTP code when 2FA is on) for a token pair,
// plus a browser session with "session": true. Unknown users and wrong
// passwords look the same, in body and in time.

#include "crud/json.h"
#include "crud/serve.h"

using namespace crud;

// An argon2id hash nobody's password matches, made once per worker, so an
// unknown username costs the same verification as a known one.
static const std::string& dummy_hash(Context& ctx) {
  static const std::string hash = ctx.passwords.hash(random_token());
  return hash;
}

static Response refuse(Context& ctx, const std::string& username, ErrorCode code) {
  ctx.metrics.count(Counter::logins_failed);
  ctx.throttle.record_failure(username);
  throw ApiError(code);
}

static Response login(const Request& req, Context& ctx) {
  require_json_body(req);
  JsonBody body(req.body, {"username", "password", "totp", "session"});
  std::string username = body.string("username");
  std::string password = body.string("password");
  auto totp = body.optional_string("totp");
  bool with_session = body.optional_bool("session", false);

  if (auto wait = ctx.throttle.locked_for(username); wait > 0)
    throw ApiError(ErrorCode::too_many_login_attempts).retry_after(wait);

  auto user = ctx.auth.credentials_by_name(username);
  // An account made by a provider sign-in has no password (docs/oidc.md):
  // it is refused like an unknown user, after the same dummy verification.
  bool has_password = user && !user->password_hash.empty();
  bool password_ok =
      ctx.passwords.verify(has_password ? user->password_hash : dummy_hash(ctx), password);
  if (!has_password || !password_ok) return refuse(ctx, username, ErrorCode::invalid_credentials);
  if (user->totp_enabled) {
    if (!totp || totp->empty()) throw ApiError(ErrorCode::totp_required);
    if (!accept_second_factor(ctx, *user, *totp))
      return refuse(ctx, username, ErrorCode::invalid_totp);
  }

  ctx.throttle.reset(username);
  ctx.metrics.count(Counter::logins_succeeded);
  ctx.caller_id = user->id;
  if (ctx.passwords.needs_rehash(user->password_hash))
    ctx.auth.set_password_hash(user->id, ctx.passwords.hash(password));
  return token_response(ctx,
                        issue_tokens(ctx, user->id, user->role, user->token_version, with_session));
}

int main() { return serve({"login", {"POST"}, login, CpuPriority::low}); }
