// How the serve loop reads a Request from FastCGI parameters (or the CGI
// environment): the pure part of serving, kept apart from libfcgi's I/O so
// that it can be fuzzed and tested without a socket.
#pragma once

#include <cstddef>

#include "crud/http.h"

namespace crud {

// Method, percent-decoded path, query and request id from NAME=value
// strings (`params` must outlive the Request); the body stays empty. A
// missing or malformed REQUEST_ID/X-Request-ID gets a fresh random id.
Request request_from_params(char** params);

// The body length CONTENT_LENGTH announces (0 when absent); throws 400
// invalid_content_length unless it is a canonical decimal, 413
// payload_too_large above kMaxBodyBytes.
std::size_t content_length(const Request& req);

// The SPEC's largest accepted request body.
constexpr std::size_t kMaxBodyBytes = 16 * 1024;

}  // namespace crud
