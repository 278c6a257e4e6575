// Fuzz target: a request as the serve loop reads it from FastCGI parameters.
#include <string>
#include <vector>

#include "crud/auth.h"
#include "crud/request_params.h"
#include "crud/users.h"
#include "targets.h"

namespace crud::fuzz {

void request_params(std::string_view input) {
  // "NAME=value" lines up to the first empty line; the rest is the body.
  std::vector<std::string> lines;
  std::string_view body;
  while (!input.empty()) {
    const auto end = input.find('\n');
    const std::string_view line = input.substr(0, end);
    input = end == std::string_view::npos ? std::string_view() : input.substr(end + 1);
    if (line.empty()) {
      body = input;
      break;
    }
    lines.emplace_back(line);
  }
  std::vector<char*> params;
  for (auto& line : lines) params.push_back(line.data());
  params.push_back(nullptr);

  Request req = request_from_params(params.data());
  try {
    if (content_length(req) == body.size()) req.body = std::string(body);
    require_json_body(req);
  } catch (const ApiError&) {
  }
  for (auto suffix : {"", "/password"}) {
    try {
      user_id_from_path(req, suffix);
    } catch (const ApiError&) {
    }
  }
  try {
    parse_query(req.query);
  } catch (const ApiError&) {
  }
  parse_if_match(req.header("If-Match"));
  if_none_match_hits(req.header("If-None-Match"), "\"1\"");
  session_cookie(req);
}

}  // namespace crud::fuzz
