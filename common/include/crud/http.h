// The request and response types every handler sees. A Request wraps the
// FastCGI parameters (or the CGI environment) and the body already read by
// the serve loop; a Response is a status, headers and a body.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "crud/errors.h"

namespace crud {

struct Request {
  char** params = nullptr;  // FastCGI params or CGI environ, NAME=value strings
  std::string method;       // "GET", "POST", ...
  std::string path;         // percent-decoded path, without the query
  std::string query;        // raw query string (after '?')
  std::string body;
  std::string request_id;

  // A FastCGI/CGI parameter such as "CONTENT_TYPE", or "" when absent.
  std::string_view param(const char* name) const;
  // A request header by its HTTP name, e.g. header("If-Match").
  std::string_view header(std::string_view name) const;
};

struct Response {
  int status = 200;
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;

  Response& with_header(std::string name, std::string value);
};

// A response with a JSON body (already serialized) and the JSON content type.
Response json_response(int status, std::string json_body);
// A bodiless response (204, 304).
Response empty_response(int status);
// The SPEC's JSON error body for an error, carrying the request id.
std::string error_body(ErrorCode code, const std::vector<ErrorDetail>& details,
                       const std::string& request_id);
// The reason phrase for a status ("Not Found"), for the CGI Status line.
const char* reason_phrase(int status);

// Refuses a write whose body is not JSON (415) or is missing (400).
void require_json_body(const Request& req);
// The user id in a path "/api/users/{id}[/suffix]", or throws 404 not_found
// for anything that is not a canonical positive 64-bit integer.
std::int64_t user_id_from_path(const Request& req, std::string_view suffix = "");

// Query parameters as name/value pairs, percent-decoded ('+' is a space);
// throws 400 invalid_query on a malformed escape.
std::vector<std::pair<std::string, std::string>> parse_query(std::string_view query);

}  // namespace crud
