// POST /api/token/refresh: spends a refresh token for a new pair. A token
// used twice (outside a 10-second grace for a retrying client) revokes its
// whole family: someone else has it.
#include "crud/json.h"
#include "crud/serve.h"

using namespace crud;

constexpr std::int64_t kRetryGraceS = 10;

static Response refresh(const Request& req, Context& ctx) {
  require_json_body(req);
  JsonBody body(req.body, {"refresh_token"});
  std::string token = body.string("refresh_token");

  std::string next = random_token();
  RefreshResult result = ctx.auth.rotate_refresh_token(
      sha256_hex(token), sha256_hex(next), ctx.config.refresh_token_ttl_s, kRetryGraceS);
  if (result.outcome == RefreshOutcome::reused)
    ctx.log.event(LogLevel::warn,
                  "refresh token reused; family " + std::to_string(result.family_id) + " revoked");
  if (result.outcome != RefreshOutcome::rotated &&
      result.outcome != RefreshOutcome::retried_in_grace)
    throw ApiError(ErrorCode::invalid_refresh_token);

  auto user = ctx.auth.caller_state(result.user_id);
  if (!user) throw ApiError(ErrorCode::invalid_refresh_token);
  IssuedTokens tokens;
  tokens.access_token = access_token_for(ctx, result.user_id, user->role, user->token_version);
  tokens.refresh_token = next;
  return token_response(ctx, tokens);
}

int main() { return serve({"token_refresh", {"POST"}, refresh}); }
