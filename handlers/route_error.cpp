// The routing layer's errors where the web server cannot write JSON bodies
// itself (Apache with plain CGI, docs/cgi.md). The site's .htaccess sends a
// request here with ROUTE_ERROR (an error code name) and, for a path that
// exists, ROUTE_ALLOW (its methods as GET|HEAD, for 405); Apache's ErrorDocument sends
// its own errors here with REDIRECT_STATUS. Not an endpoint: no pool, no route.
#include "crud/edge_errors.h"
#include "crud/serve.h"
#include "crud/text.h"

using namespace crud;

// mod_rewrite's variables reach the CGI renamed with REDIRECT_ after the
// internal redirect; a server that sets them directly is accepted too.
static std::string_view route_param(const Request& req, const char* name) {
  std::string_view value = req.param((std::string("REDIRECT_") + name).c_str());
  return value.empty() ? req.param(name) : value;
}

// "GET|HEAD" (no commas: they separate mod_rewrite's flags) as "GET, HEAD".
static std::string allow_header(std::string_view methods) {
  std::string out;
  for (char ch : methods) out += ch == '|' ? std::string(", ") : std::string(1, ch);
  return out;
}

static ErrorCode error_of(const Request& req) {
  if (auto named = error_named(route_param(req, "ROUTE_ERROR"))) return *named;
  auto status = parse_decimal(req.param("REDIRECT_STATUS"));
  if (status)
    if (auto edge = edge_error_for_status(static_cast<int>(*status))) return *edge;
  return ErrorCode::not_found;
}

static Response route_error(const Request& req, Context&) {
  const ErrorCode code = error_of(req);
  Response r = json_response(error_status(code), error_body(code, {}, req.request_id));
  std::string_view allow = route_param(req, "ROUTE_ALLOW");
  if (code == ErrorCode::method_not_allowed && !allow.empty())
    r.with_header("Allow", allow_header(allow));
  return r;
}

int main() {
  // Any method may reach an unknown path or a path that refuses it.
  return serve(
      {"route_error", {"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"}, route_error});
}
