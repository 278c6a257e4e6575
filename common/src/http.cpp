// Request accessors, response builders and the path/query/content-type rules
// shared by every endpoint.
#include "crud/http.h"

#include <fcgiapp.h>

#include <algorithm>

#include "crud/json.h"
#include "crud/text.h"

namespace crud {

std::string_view Request::param(const char* name) const {
  if (!params) return {};
  const char* value = FCGX_GetParam(name, params);
  return value ? std::string_view(value) : std::string_view();
}

std::string_view Request::header(std::string_view name) const {
  std::string key = "HTTP_";
  for (char ch : name) {
    if (ch == '-') ch = '_';
    if (ch >= 'a' && ch <= 'z') ch = static_cast<char>(ch - 'a' + 'A');
    key += ch;
  }
  return param(key.c_str());
}

Response& Response::with_header(std::string name, std::string value) {
  headers.emplace_back(std::move(name), std::move(value));
  return *this;
}

Response json_response(int status, std::string json_body) {
  Response r;
  r.status = status;
  r.body = std::move(json_body);
  r.with_header("Content-Type", "application/json; charset=utf-8");
  return r;
}

Response empty_response(int status) {
  Response r;
  r.status = status;
  return r;
}

std::string error_body(ErrorCode code, const std::vector<ErrorDetail>& details,
                       const std::string& request_id) {
  JsonWriter w;
  w.begin_object();
  w.key("error").begin_object();
  w.field("code", error_name(code));
  w.field("message", error_message(code));
  if (!details.empty()) {
    w.key("details").begin_array();
    for (const auto& d : details) {
      w.begin_object().field("field", d.field).field("problem", d.problem).end_object();
    }
    w.end_array();
  }
  w.field("request_id", request_id);
  w.end_object();
  w.end_object();
  return w.str();
}

const char* reason_phrase(int status) {
  switch (status) {
    case 200:
      return "OK";
    case 201:
      return "Created";
    case 204:
      return "No Content";
    case 304:
      return "Not Modified";
    case 400:
      return "Bad Request";
    case 401:
      return "Unauthorized";
    case 403:
      return "Forbidden";
    case 404:
      return "Not Found";
    case 405:
      return "Method Not Allowed";
    case 409:
      return "Conflict";
    case 412:
      return "Precondition Failed";
    case 413:
      return "Payload Too Large";
    case 415:
      return "Unsupported Media Type";
    case 422:
      return "Unprocessable Entity";
    case 429:
      return "Too Many Requests";
    case 500:
      return "Internal Server Error";
    case 502:
      return "Bad Gateway";
    case 503:
      return "Service Unavailable";
    case 504:
      return "Gateway Timeout";
    default:
      return "Unknown";
  }
}

// application/json, optionally with charset=utf-8, in any letter case.
static bool is_json_content_type(std::string_view type) {
  auto trim = [](std::string_view s) {
    while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
    while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
    return s;
  };
  auto semi = type.find(';');
  if (!iequals(trim(type.substr(0, semi)), "application/json")) return false;
  if (semi == std::string_view::npos) return true;
  std::string rest = ascii_lower(trim(type.substr(semi + 1)));
  rest.erase(std::remove(rest.begin(), rest.end(), ' '), rest.end());
  return rest == "charset=utf-8" || rest == "charset=\"utf-8\"";
}

void require_json_body(const Request& req) {
  if (req.body.empty()) {
    if (!req.param("CONTENT_TYPE").empty() && !is_json_content_type(req.param("CONTENT_TYPE")))
      throw ApiError(ErrorCode::unsupported_media_type);
    throw ApiError(ErrorCode::missing_body);
  }
  if (!is_json_content_type(req.param("CONTENT_TYPE")))
    throw ApiError(ErrorCode::unsupported_media_type);
}

std::int64_t user_id_from_path(const Request& req, std::string_view suffix) {
  constexpr std::string_view prefix = "/api/users/";
  std::string_view path = req.path;
  if (!starts_with(path, prefix)) throw ApiError(ErrorCode::not_found);
  path.remove_prefix(prefix.size());
  if (path.size() < suffix.size() || path.substr(path.size() - suffix.size()) != suffix)
    throw ApiError(ErrorCode::not_found);
  path.remove_suffix(suffix.size());
  auto id = parse_decimal(path);
  if (!id || *id <= 0) throw ApiError(ErrorCode::not_found);
  return *id;
}

std::vector<std::pair<std::string, std::string>> parse_query(std::string_view query) {
  std::vector<std::pair<std::string, std::string>> out;
  while (!query.empty()) {
    auto amp = query.find('&');
    std::string_view pair = query.substr(0, amp);
    query = amp == std::string_view::npos ? std::string_view() : query.substr(amp + 1);
    if (pair.empty()) continue;
    auto eq = pair.find('=');
    std::string name(pair.substr(0, eq));
    std::string value(eq == std::string_view::npos ? std::string_view() : pair.substr(eq + 1));
    for (auto* s : {&name, &value})
      for (char& ch : *s)
        if (ch == '+') ch = ' ';
    auto dn = percent_decode(name), dv = percent_decode(value);
    if (!dn || !dv) throw ApiError(ErrorCode::invalid_query, "query", "malformed_escape");
    out.emplace_back(std::move(*dn), std::move(*dv));
  }
  return out;
}

}  // namespace crud
