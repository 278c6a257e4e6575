// Request from FastCGI/CGI parameters (see request_params.h).
#include "crud/request_params.h"

#include <sodium.h>

#include "crud/text.h"

namespace crud {
namespace {

bool valid_request_id(std::string_view id) {
  if (id.empty() || id.size() > 64) return false;
  for (char ch : id)
    if (!((ch >= '0' && ch <= '9') || (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') ||
          ch == '-'))
      return false;
  return true;
}

std::string new_request_id() {
  unsigned char raw[16];
  randombytes_buf(raw, sizeof raw);
  char hex[33];
  sodium_bin2hex(hex, sizeof hex, raw, sizeof raw);
  return hex;
}

}  // namespace

Request request_from_params(char** params) {
  Request req;
  req.params = params;
  req.method = std::string(req.param("REQUEST_METHOD"));
  std::string_view uri = req.param("REQUEST_URI");
  if (uri.empty()) uri = req.param("SCRIPT_NAME");  // CGI without REQUEST_URI
  auto q = uri.find('?');
  std::string_view raw_path = uri.substr(0, q);
  auto decoded = percent_decode(raw_path);
  req.path = decoded ? *decoded : std::string(raw_path);
  req.query = std::string(req.param("QUERY_STRING"));
  if (req.query.empty() && q != std::string_view::npos) req.query = std::string(uri.substr(q + 1));
  std::string_view id = req.param("REQUEST_ID");
  if (!valid_request_id(id)) id = req.header("X-Request-ID");
  req.request_id = valid_request_id(id) ? std::string(id) : new_request_id();
  return req;
}

std::size_t content_length(const Request& req) {
  std::string_view length_text = req.param("CONTENT_LENGTH");
  if (length_text.empty()) return 0;
  auto length = parse_decimal(length_text);
  if (!length) throw ApiError(ErrorCode::invalid_content_length);
  if (static_cast<std::size_t>(*length) > kMaxBodyBytes)
    throw ApiError(ErrorCode::payload_too_large);
  return static_cast<std::size_t>(*length);
}

}  // namespace crud
