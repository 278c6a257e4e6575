// HTTP/1.1 spoken by hand, for requests libcurl will not send as written:
// NUL bytes, bare CRs, malformed lengths, oversized or folded headers. The
// bytes go out exactly as given; the answer is read until nginx closes.
#pragma once

#include <chrono>
#include <string>

#include "support/http_client.h"

namespace itest {

// Sends `bytes` over a new plain TCP connection to `base_url` (the stack's
// BASE_URL when empty) and reads the answer until the server closes the
// connection (send "Connection: close") or `timeout` passes. Throws
// std::runtime_error when no status line came.
Response raw_exchange(const std::string& bytes,
                      std::chrono::milliseconds timeout = std::chrono::seconds(10),
                      const std::string& base_url = "");

// The response in `text` (status line, headers, body; a chunked body is
// decoded). Throws std::runtime_error when it does not start with a status line.
Response parse_raw_response(const std::string& text);

}  // namespace itest
