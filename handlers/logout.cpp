// POST /api/logout: ends the refresh token's family (optional body
// {"refresh_token"}) and the browser session if the request carries one,
// clears the cookie, 204.
#include "crud/json.h"
#include "crud/serve.h"

using namespace crud;

static Response logout(const Request& req, Context& ctx) {
  // Refuse before ending anything: a refused logout leaves everything as it was.
  auto session_id = session_cookie(req);
  if (session_id) require_csrf(req, ctx, *session_id);
  std::optional<std::string> token;
  if (!req.body.empty()) {
    require_json_body(req);
    token = JsonBody(req.body, {"refresh_token"}).optional_string("refresh_token");
  }
  if (token) ctx.auth.revoke_family_of(sha256_hex(*token));
  if (session_id) ctx.auth.revoke_session(sha256_hex(*session_id));
  return empty_response(204).with_header("Set-Cookie", cleared_session_cookie());
}

int main() { return serve({"logout", {"POST"}, logout}); }
