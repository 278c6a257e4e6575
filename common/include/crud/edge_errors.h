// The errors a web server in front of the handlers answers by itself (unknown
// path, method not served, body too large, ...): nginx writes their bodies
// from `crudctl nginx-errors`, Apache hands them to the route_error CGI.
#pragma once

#include <optional>
#include <string_view>
#include <vector>

#include "crud/errors.h"

namespace crud {

// The generic code of each status a web server produces, one per status.
const std::vector<ErrorCode>& edge_errors();
// The edge error answered with `status`, if the web server may produce it.
std::optional<ErrorCode> edge_error_for_status(int status);
// The code whose snake_case name is `name` ("not_found"), if there is one.
std::optional<ErrorCode> error_named(std::string_view name);

}  // namespace crud
