// The web server's own errors, looked up in the one error table (edge_errors.h).
#include "crud/edge_errors.h"

namespace crud {

const std::vector<ErrorCode>& edge_errors() {
  static const std::vector<ErrorCode> codes = {
      ErrorCode::bad_request,       ErrorCode::unauthorized,       ErrorCode::forbidden,
      ErrorCode::not_found,         ErrorCode::method_not_allowed, ErrorCode::request_timeout,
      ErrorCode::payload_too_large, ErrorCode::uri_too_long,       ErrorCode::rate_limited,
      ErrorCode::internal_error,    ErrorCode::bad_gateway,        ErrorCode::service_unavailable,
      ErrorCode::gateway_timeout};
  return codes;
}

std::optional<ErrorCode> edge_error_for_status(int status) {
  for (ErrorCode code : edge_errors())
    if (error_status(code) == status) return code;
  return std::nullopt;
}

std::optional<ErrorCode> error_named(std::string_view name) {
  for (int i = 0; i < kErrorCodeCount; ++i) {
    const auto code = static_cast<ErrorCode>(i);
    if (name == error_name(code)) return code;
  }
  return std::nullopt;
}

}  // namespace crud
