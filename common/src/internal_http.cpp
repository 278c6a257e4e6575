// A minimal HTTP/1.1 client over a unix socket or TCP with one deadline for
// the whole exchange; enough for nginx's internal server (nchan, stub_status).
#include "crud/internal_http.h"

#include <netdb.h>
#include <poll.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstdlib>
#include <cstring>
#include <map>

#include "crud/text.h"

namespace crud {

namespace {

using Clock = std::chrono::steady_clock;

// Milliseconds left until the deadline (at least 0).
int ms_left(Clock::time_point deadline) {
  auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now());
  return left.count() > 0 ? static_cast<int>(left.count()) : 0;
}

bool wait_for(int fd, short events, Clock::time_point deadline) {
  pollfd p{fd, events, 0};
  int ready = 0;
  do ready = poll(&p, 1, ms_left(deadline));
  while (ready < 0 && errno == EINTR);
  return ready > 0;
}

// Closes the descriptor when the exchange ends, however it ends.
struct Socket {
  int fd;
  ~Socket() {
    if (fd >= 0) close(fd);
  }
};

bool is_host_name(const std::string& host) {
  if (host.empty()) return false;
  for (char ch : host)
    if (!((ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9') ||
          ch == '.' || ch == '-'))
      return false;
  return true;
}

bool is_ipv6_literal(const std::string& host) {
  if (host.find(':') == std::string::npos) return false;
  for (char ch : host)
    if (!((ch >= 'a' && ch <= 'f') || (ch >= 'A' && ch <= 'F') || (ch >= '0' && ch <= '9') ||
          ch == ':' || ch == '.'))
      return false;
  return true;
}

struct Endpoint {
  sockaddr_storage addr{};
  socklen_t len = 0;
};

// Looked-up TCP addresses by "host:port"; each worker is single-threaded.
thread_local std::map<std::string, Endpoint> resolved;

std::optional<Endpoint> endpoint_of(const InternalAddress& a) {
  Endpoint e;
  if (!a.unix_path.empty()) {
    sockaddr_un un{};
    un.sun_family = AF_UNIX;
    std::memcpy(un.sun_path, a.unix_path.c_str(), a.unix_path.size() + 1);
    std::memcpy(&e.addr, &un, sizeof un);
    e.len = sizeof un;
    return e;
  }
  std::string key = a.host + ":" + a.port;
  auto cached = resolved.find(key);
  if (cached != resolved.end()) return cached->second;
  addrinfo hints{};
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;
  addrinfo* found = nullptr;
  if (getaddrinfo(a.host.c_str(), a.port.c_str(), &hints, &found) != 0 || !found) return {};
  std::memcpy(&e.addr, found->ai_addr, found->ai_addrlen);
  e.len = found->ai_addrlen;
  freeaddrinfo(found);
  return resolved[key] = e;
}

HttpReply exchange(const Endpoint& to, const std::string& request, Clock::time_point deadline) {
  Socket sock{socket(to.addr.ss_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0)};
  if (sock.fd < 0) return {};
  if (connect(sock.fd, reinterpret_cast<const sockaddr*>(&to.addr), to.len) != 0 &&
      !(errno == EINPROGRESS || errno == EAGAIN))
    return {};
  // A refused TCP connect shows as a failing send below.
  std::size_t sent = 0;
  while (sent < request.size()) {
    if (!wait_for(sock.fd, POLLOUT, deadline)) return {};
    ssize_t n = send(sock.fd, request.data() + sent, request.size() - sent, MSG_NOSIGNAL);
    if (n < 0 && errno != EAGAIN && errno != EINTR) return {};
    if (n > 0) sent += static_cast<std::size_t>(n);
  }
  // Read to the end (Connection: close) and take the status from the first line.
  std::string response;
  char buf[1024];
  for (;;) {
    if (!wait_for(sock.fd, POLLIN, deadline)) return {};
    ssize_t n = recv(sock.fd, buf, sizeof buf, 0);
    if (n == 0) break;
    if (n < 0 && errno != EAGAIN && errno != EINTR) return {};
    if (n > 0) response.append(buf, static_cast<std::size_t>(n));
  }
  // "HTTP/1.1 201 Created\r\n...\r\n\r\nbody"
  if (response.size() < 12 || response.compare(0, 5, "HTTP/") != 0) return {};
  HttpReply reply;
  reply.status = std::atoi(response.c_str() + response.find(' ') + 1);
  auto body_at = response.find("\r\n\r\n");
  if (body_at != std::string::npos) reply.body = response.substr(body_at + 4);
  return reply;
}

}  // namespace

std::optional<InternalAddress> parse_internal_address(const std::string& value) {
  InternalAddress a;
  if (starts_with(value, "/")) {
    if (value.size() >= sizeof(sockaddr_un::sun_path)) return std::nullopt;
    a.unix_path = value;
    return a;
  }
  std::string rest = starts_with(value, "tcp://") ? value.substr(6) : value;
  std::size_t colon = 0;
  if (starts_with(rest, "[")) {
    auto close = rest.find(']');
    if (close == std::string::npos || close + 1 >= rest.size() || rest[close + 1] != ':')
      return std::nullopt;
    a.host = rest.substr(1, close - 1);
    if (!is_ipv6_literal(a.host)) return std::nullopt;
    colon = close + 1;
  } else {
    colon = rest.rfind(':');
    a.host = rest.substr(0, colon);
    if (!is_host_name(a.host)) return std::nullopt;
  }
  // A bare host name (as Render hands out a service's) means nginx's
  // internal port, INTERNAL_PORT's default.
  a.port = colon == std::string::npos ? std::string(kDefaultInternalPort) : rest.substr(colon + 1);
  auto port = parse_decimal(a.port);
  if (!port || *port < 1 || *port > 65535) return std::nullopt;
  return a;
}

HttpReply internal_http_request(const std::string& address, const std::string& method,
                                const std::string& target, const std::string& extra_headers,
                                const std::string& body, int timeout_ms) {
  auto deadline = Clock::now() + std::chrono::milliseconds(timeout_ms);
  auto parsed = parse_internal_address(address);
  if (!parsed) return {};
  auto to = endpoint_of(*parsed);
  if (!to) return {};
  std::string request = method + " " + target +
                        " HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n" + extra_headers +
                        "Content-Length: " + std::to_string(body.size()) + "\r\n\r\n" + body;
  HttpReply reply = exchange(*to, request, deadline);
  // nginx's Service may have been recreated with a new address: look it up again.
  if (reply.status == 0 && parsed->unix_path.empty())
    resolved.erase(parsed->host + ":" + parsed->port);
  return reply;
}

}  // namespace crud
