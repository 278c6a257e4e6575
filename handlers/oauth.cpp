// Sign-in with OpenID Connect providers (docs/oidc.md), one executable for
// its few, rarely called routes:
//   GET    /api/oauth/providers            the configured providers (UI buttons)
//   GET    /api/oauth/{provider}/start     302 to the provider (?link=1: link to the caller,
//                                          ?tokens=1: an API client's sign-in, no session)
//   GET    /api/oauth/{provider}/callback  back from the provider: log in (or link)
//   GET    /api/me/identities              the caller's linked providers
//   DELETE /api/me/identities/{provider}   unlink, unless it is the last way to log in
// A browser navigating to start or callback gets a refusal as a page.
#include <cstdio>
#include <ctime>
#include <optional>

#include "crud/error_page.h"
#include "crud/id_token.h"
#include "crud/identity_store.h"
#include "crud/json.h"
#include "crud/oidc_flow.h"
#include "crud/serve.h"
#include "crud/sign_in.h"
#include "crud/text.h"

using namespace crud;

static const OidcSettings& settings() {
  static const OidcSettings s = OidcSettings::from_env();
  return s;
}

static HttpsOptions back_channel() { return {settings().ca_file, settings().timeout_s}; }

static std::int64_t now() { return static_cast<std::int64_t>(std::time(nullptr)); }

static Response redirect(const std::string& location) {
  return empty_response(302).with_header("Location", location);
}

static std::string query_value(const Request& req, std::string_view name) {
  for (const auto& [key, value] : parse_query(req.query))
    if (key == name) return value;
  return "";
}

static Response list_providers() {
  JsonWriter w;
  w.begin_object().key("providers").begin_array();
  for (const auto& p : settings().providers) {
    w.begin_object()
        .field("name", p.name)
        .field("label", p.label)
        .field("start", "/api/oauth/" + p.name + "/start")
        .end_object();
  }
  w.end_array().end_object();
  return json_response(200, w.str());
}

constexpr WayBack kBackToLogin{"/#/login", "Back to log in"};
constexpr WayBack kBackToSecurity{"/#/security", "Back to your security settings"};

// Runs a route people reach by navigating (a link, the provider's redirect):
// a browser gets a refusal as a page leading back into the UI, an API
// client the JSON error.
template <typename Route>
static Response navigation(const Request& req, Context& ctx, WayBack back, Route route) {
  try {
    return route();
  } catch (const ApiError& e) {
    if (!prefers_html(req.header("Accept"))) throw;
    ctx.metrics.error(e.code());
    return error_page(e, req.request_id, back);
  }
}

// An API client's sign-in (?tokens=1) ends in the token pair; it cannot link.
static bool api_client_sign_in(const Request& req, bool linking) {
  std::string tokens = query_value(req, "tokens");
  if (tokens.empty()) return false;
  if (tokens != "1") throw ApiError(ErrorCode::invalid_query, "tokens", "invalid");
  if (linking) throw ApiError(ErrorCode::invalid_query, "tokens", "not_with_link");
  return true;
}

// Whether the raw query asks to link; only picks an error page's way back,
// so it never throws on a malformed query (the route itself refuses that).
static bool asks_to_link(const Request& req) {
  std::string_view query = req.query;
  while (!query.empty()) {
    auto amp = query.find('&');
    if (query.substr(0, amp) == "link=1") return true;
    query = amp == std::string_view::npos ? "" : query.substr(amp + 1);
  }
  return false;
}

static Response start(const Request& req, Context& ctx, const OidcProvider& provider) {
  bool linking = query_value(req, "link") == "1";
  bool api_client = api_client_sign_in(req, linking);
  // Linking needs the signed-in caller; the flow remembers who it was.
  std::int64_t link_user_id = linking ? require_caller(req, ctx).id : 0;
  ProviderEndpoints endpoints = discover(provider, back_channel(), now());
  SignInFlow flow =
      new_sign_in_flow(provider.name, now(), settings().flow_ttl_s, link_user_id, api_client);
  return redirect(authorization_url(provider, endpoints, flow))
      .with_header("Set-Cookie", sign_in_cookie(seal_flow(flow, sign_in_box(ctx.session_key)),
                                                settings().flow_ttl_s));
}

// The flow sealed in this browser's cookie, if any (not yet checked).
static std::optional<SignInFlow> sealed_flow(const Request& req, Context& ctx) {
  auto cookie = request_cookie(req, kSignInCookie);
  return cookie ? open_flow(*cookie, sign_in_box(ctx.session_key)) : std::nullopt;
}

// The flow this callback belongs to: sealed in this browser's cookie, for this
// provider, with the state the provider echoed, and not expired.
static SignInFlow flow_of_callback(const Request& req, const std::optional<SignInFlow>& flow,
                                   const OidcProvider& provider) {
  std::string state = query_value(req, "state");
  if (!flow || flow->provider != provider.name || state.empty() || state != flow->state)
    throw ApiError(ErrorCode::sign_in_state_mismatch);
  if (now() >= flow->expires_at) throw ApiError(ErrorCode::sign_in_expired);
  return *flow;
}

static Response callback(const Request& req, Context& ctx, const OidcProvider& provider,
                         const std::optional<SignInFlow>& sealed) {
  SignInFlow flow = flow_of_callback(req, sealed, provider);
  std::string code = query_value(req, "code");
  if (!query_value(req, "error").empty() || code.empty())
    throw ApiError(ErrorCode::sign_in_refused);
  ProviderEndpoints endpoints = discover(provider, back_channel(), now());
  std::string id_token = exchange_code(provider, endpoints, code, flow, back_channel());
  IdTokenClaims claims;
  std::string why;
  if (!check_id_token(id_token, {provider.issuer, provider.client_id, flow.nonce, now()}, claims,
                      why)) {
    ctx.log.event(LogLevel::warn, "ID token of " + provider.name + " refused: " + why);
    throw ApiError(ErrorCode::invalid_id_token);
  }

  IdentityStore& identities = ctx.storage->identities();
  std::string clear_flow = sign_in_cookie("", 0);
  if (flow.link_user_id > 0) {
    if (!ctx.users.find(flow.link_user_id)) throw ApiError(ErrorCode::unauthorized);
    ctx.caller_id = flow.link_user_id;
    identities.link(flow.link_user_id, provider.issuer, claims.subject);
    return redirect("/#/security").with_header("Set-Cookie", clear_flow);
  }
  std::int64_t id = user_for_sign_in(ctx, identities, provider.issuer, claims);
  auto user = ctx.auth.credentials_by_id(id);
  if (!user) throw ApiError(ErrorCode::unauthorized);  // deleted meanwhile
  ctx.caller_id = id;
  ctx.metrics.count(Counter::logins_succeeded);
  // An API client gets what POST /api/login answers: the pair, no session.
  if (flow.api_client)
    return token_response(ctx, issue_tokens(ctx, id, user->role, user->token_version, false))
        .with_header("Set-Cookie", clear_flow);
  IssuedTokens tokens = issue_tokens(ctx, id, user->role, user->token_version, true);
  // Logged in exactly as by password: the session cookie, and the CSRF token
  // handed to the page in the fragment (never sent to a server, then erased).
  return redirect("/#/signed-in/" + tokens.csrf_token)
      .with_header("Set-Cookie", session_set_cookie(tokens.session_id))
      .with_header("Set-Cookie", clear_flow);
}

static Response list_identities(const Caller& caller, Context& ctx) {
  IdentityStore& identities = ctx.storage->identities();
  JsonWriter w;
  w.begin_object().key("identities").begin_array();
  for (const auto& link : identities.identities_of(caller.id)) {
    const OidcProvider* p = settings().by_issuer(link.issuer);
    w.begin_object()
        .field("provider", p ? p->name : "")
        .field("issuer", link.issuer)
        .field("linked_at", link.linked_at)
        .end_object();
  }
  w.end_array().end_object();
  return json_response(200, w.str());
}

static Response unlink(const Caller& caller, Context& ctx, const OidcProvider& provider) {
  IdentityStore& identities = ctx.storage->identities();
  switch (identities.unlink(caller.id, provider.issuer)) {
    case UnlinkOutcome::unlinked:
      return empty_response(204);
    case UnlinkOutcome::last_login_method:
      throw ApiError(ErrorCode::last_login_method);
    case UnlinkOutcome::not_linked:
      break;
  }
  throw ApiError(ErrorCode::not_found);
}

static const OidcProvider& provider_named(std::string_view name) {
  const OidcProvider* p = settings().find(name);
  if (!p) throw ApiError(ErrorCode::unknown_provider);
  return *p;
}

static Response oauth(const Request& req, Context& ctx) {
  constexpr std::string_view oauth_prefix = "/api/oauth/", identities_path = "/api/me/identities";
  if (req.path == "/api/oauth/providers") return list_providers();
  if (starts_with(req.path, identities_path)) {
    Caller caller = require_caller(req, ctx);
    if (req.path == identities_path) return list_identities(caller, ctx);
    return unlink(caller, ctx, provider_named(req.path.substr(identities_path.size() + 1)));
  }
  std::string_view rest = std::string_view(req.path).substr(oauth_prefix.size());
  auto slash = rest.find('/');
  if (!starts_with(req.path, oauth_prefix) || slash == std::string_view::npos)
    throw ApiError(ErrorCode::not_found);
  std::string_view name = rest.substr(0, slash), step = rest.substr(slash);
  if (step == "/start")
    return navigation(req, ctx, asks_to_link(req) ? kBackToSecurity : kBackToLogin,
                      [&] { return start(req, ctx, provider_named(name)); });
  if (step == "/callback") {
    std::optional<SignInFlow> sealed = sealed_flow(req, ctx);
    bool linking = sealed && sealed->link_user_id > 0;
    return navigation(req, ctx, linking ? kBackToSecurity : kBackToLogin,
                      [&] { return callback(req, ctx, provider_named(name), sealed); });
  }
  throw ApiError(ErrorCode::not_found);
}

int main() {
  try {
    settings();  // a bad provider setting stops start-up, naming it
  } catch (const ConfigError& e) {
    std::fprintf(stderr, "oauth: configuration error: %s\n", e.what());
    return 2;
  }
  return serve({"oauth", {"GET", "HEAD", "DELETE"}, oauth});
}
