// Two-factor authentication of the caller:
//   POST   /api/me/totp         start enrolment: a new secret and its otpauth URI
//   POST   /api/me/totp/verify  {"code"}: turn 2FA on, get 10 recovery codes
//   DELETE /api/me/totp         {"code"}: turn it off (a current or recovery code)
#include "crud/totp.h"

#include <ctime>

#include "crud/json.h"
#include "crud/serve.h"

using namespace crud;

static std::int64_t now() { return static_cast<std::int64_t>(std::time(nullptr)); }

static std::string code_from(const Request& req) {
  require_json_body(req);
  return JsonBody(req.body, {"code"}).string("code");
}

static Response enrol(const Credentials& me, Context& ctx) {
  if (me.totp_enabled) throw ApiError(ErrorCode::totp_already_enabled);
  std::string secret = new_totp_secret();
  ctx.auth.set_totp_secret(me.id, ctx.totp_box.seal(secret));
  JsonWriter w;
  w.begin_object()
      .field("secret", secret)
      .field("otpauth_uri", otpauth_uri(ctx.config.jwt_issuer, me.username, secret))
      .end_object();
  return json_response(200, w.str());
}

static Response verify(const Credentials& me, const std::string& code, Context& ctx) {
  if (me.totp_enabled) throw ApiError(ErrorCode::totp_already_enabled);
  auto secret = ctx.totp_box.open(me.totp_secret);
  if (!secret) throw ApiError(ErrorCode::totp_not_enrolled);
  auto step = verify_totp(*secret, code, now(), me.totp_last_step);
  if (!step) throw ApiError(ErrorCode::validation_failed, "code", "invalid");

  std::vector<std::string> codes = new_recovery_codes(), hashes;
  for (const auto& c : codes) hashes.push_back(sha256_hex(*normalize_recovery_code(c)));
  ctx.auth.enable_totp(me.id, *step, hashes);
  JsonWriter w;
  w.begin_object().key("recovery_codes").begin_array();
  for (const auto& c : codes) w.value(c);
  w.end_array().end_object();
  return json_response(200, w.str());
}

static Response disable(const Credentials& me, const std::string& code, Context& ctx) {
  if (!me.totp_enabled) throw ApiError(ErrorCode::totp_not_enabled);
  if (!accept_second_factor(ctx, me, code))
    throw ApiError(ErrorCode::validation_failed, "code", "invalid");
  ctx.auth.disable_totp(me.id);
  return empty_response(204);
}

static Response totp(const Request& req, Context& ctx) {
  bool enrol_path = req.path == "/api/me/totp", verify_path = req.path == "/api/me/totp/verify";
  if (!enrol_path && !verify_path) throw ApiError(ErrorCode::not_found);
  Caller caller = require_caller(req, ctx);
  auto me = ctx.auth.credentials_by_id(caller.id);
  if (!me) throw ApiError(ErrorCode::unauthorized);
  if (verify_path) {
    if (req.method != "POST") throw ApiError(ErrorCode::method_not_allowed);
    return verify(*me, code_from(req), ctx);
  }
  if (req.method == "POST") return enrol(*me, ctx);
  return disable(*me, code_from(req), ctx);
}

int main() { return serve({"totp", {"POST", "DELETE"}, totp}); }
