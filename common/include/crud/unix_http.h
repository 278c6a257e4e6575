// HTTP requests to nginx's internal servers over a unix socket (the nchan
// publisher, stub_status), with a hard time limit: callers on the request
// path must never wait long on them.
#pragma once

#include <string>

namespace crud {

struct HttpReply {
  int status = 0;  // 0: no answer (refused, timed out, malformed)
  std::string body;
};

// Sends one request with `Connection: close` and reads the whole answer
// within timeout_ms. extra_headers are complete "Name: value\r\n" lines.
HttpReply http_over_unix_socket(const std::string& path, const std::string& method,
                                const std::string& target, const std::string& extra_headers,
                                const std::string& body, int timeout_ms);

}  // namespace crud
