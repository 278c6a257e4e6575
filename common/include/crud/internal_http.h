// HTTP requests to nginx's internal server (the nchan publisher, stub_status)
// over a unix socket (nginx on the same host) or TCP (nginx in another pod),
// with a hard time limit: callers on the request path must never wait long.
#pragma once

#include <optional>
#include <string>

namespace crud {

struct HttpReply {
  int status = 0;  // 0: no answer (refused, timed out, malformed)
  std::string body;
};

// Where nginx's internal server listens, as EVENTS_PUBLISH_SOCKET and
// NGINX_STATUS_SOCKET spell it.
struct InternalAddress {
  std::string unix_path;  // set for a unix socket
  std::string host;       // set for TCP: a name, an IPv4 or an IPv6 address (no brackets)
  std::string port;       // set for TCP: 1-65535
  bool operator==(const InternalAddress& other) const {
    return unix_path == other.unix_path && host == other.host && port == other.port;
  }
};

// nginx's internal server's TCP port in the containers (nginx-render.sh's INTERNAL_PORT).
inline constexpr const char* kDefaultInternalPort = "8081";

// "/path/sock" is a unix socket; "host:port", "tcp://host:port", "[v6]:port"
// and a bare "host" (port kDefaultInternalPort) are TCP. nullopt for anything else.
std::optional<InternalAddress> parse_internal_address(const std::string& value);

// Sends one request to address (as parse_internal_address reads it) and reads
// the whole answer within timeout_ms, on a connection kept open for the next
// request to the same address (a fresh one when nginx has closed it; a
// request nginx closed on unanswered goes again once). extra_headers are
// complete "Name: value\r\n" lines. A host name is looked up once per process
// and again only after a connection to it failed, so a slow DNS server does not
// stall every request (the lookup itself is not bounded by timeout_ms).
HttpReply internal_http_request(const std::string& address, const std::string& method,
                                const std::string& target, const std::string& extra_headers,
                                const std::string& body, int timeout_ms);

}  // namespace crud
