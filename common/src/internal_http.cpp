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
#include <optional>

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

// The connection to nginx kept open between requests (HTTP/1.1 keep-alive):
// a publish then costs nginx no accept and this process no connect and
// close. Each worker is single-threaded and talks to one nginx.
struct KeptConnection {
  std::string to;  // the address it is connected to
  int fd = -1;
  void drop() {
    if (fd >= 0) close(fd);
    fd = -1;
  }
};
thread_local KeptConnection kept;

int connect_to(const Endpoint& to) {
  int fd = socket(to.addr.ss_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  if (fd < 0) return -1;
  if (connect(fd, reinterpret_cast<const sockaddr*>(&to.addr), to.len) != 0 &&
      !(errno == EINPROGRESS || errno == EAGAIN)) {
    close(fd);
    return -1;
  }
  return fd;  // a refused TCP connect shows as a failing send
}

// An idle kept connection that nginx closed (its keepalive_timeout, a
// reload) is readable: it reads as the end of the stream.
bool still_open(int fd) {
  pollfd p{fd, POLLIN, 0};
  return poll(&p, 1, 0) == 0;
}

bool send_all(int fd, const std::string& request, Clock::time_point deadline) {
  std::size_t sent = 0;
  while (sent < request.size()) {
    ssize_t n = send(fd, request.data() + sent, request.size() - sent, MSG_NOSIGNAL);
    if (n > 0) {
      sent += static_cast<std::size_t>(n);
      continue;
    }
    if (n < 0 && errno != EAGAIN && errno != EINTR) return false;
    // Not connected yet (TCP) or the socket's buffer is full: wait for room.
    if (!wait_for(fd, POLLOUT, deadline)) {
      errno = ETIMEDOUT;
      return false;
    }
  }
  return true;
}

// The value of header `name` (lower case, with the colon) in a response head.
std::optional<std::string> header_value(const std::string& head, const std::string& name) {
  auto at = ascii_lower(head).find("\r\n" + name);
  if (at == std::string::npos) return std::nullopt;
  auto from = head.find_first_not_of(' ', at + 2 + name.size());
  auto end = head.find("\r\n", from);
  return head.substr(from, (end == std::string::npos ? head.size() : end) - from);
}

struct Received {
  HttpReply reply;  // status 0 when no whole answer came
  // nginx closed the connection before one byte of an answer: it never took
  // the request (a timeout is not that: nginx may be working on it).
  bool closed_unanswered = false;
  bool reusable = false;
};

// Reads one answer: the head, then Content-Length bytes of body (what nginx
// sends), or, from a server that closes after it, the body up to the end.
Received receive(int fd, Clock::time_point deadline) {
  Received got;
  std::string response, head;
  std::optional<std::size_t> total;  // of the whole answer, once the head is in
  bool to_the_end = false;
  char buf[1024];
  while (!total || response.size() < *total) {
    if (!wait_for(fd, POLLIN, deadline)) return got;
    ssize_t n = recv(fd, buf, sizeof buf, 0);
    if (n == 0 || (n < 0 && errno == ECONNRESET)) {
      got.closed_unanswered = response.empty();
      if (!to_the_end) return got;
      total = response.size();
      break;
    }
    if (n < 0 && errno != EAGAIN && errno != EINTR) return got;
    if (n < 0) continue;
    response.append(buf, static_cast<std::size_t>(n));
    auto head_end = response.find("\r\n\r\n");
    if (!head.empty() || head_end == std::string::npos) continue;
    head = response.substr(0, head_end + 2);
    auto length = header_value(head, "content-length:");
    to_the_end = !length && iequals(header_value(head, "connection:").value_or(""), "close");
    if (to_the_end) continue;
    auto body_size = parse_decimal(length.value_or(""));
    if (!body_size) return got;
    total = head_end + 4 + static_cast<std::size_t>(*body_size);
  }
  // "HTTP/1.1 201 Created\r\n...\r\n\r\nbody"
  if (response.compare(0, 5, "HTTP/") != 0 || response.size() != *total) return got;
  got.reply.status = std::atoi(response.c_str() + response.find(' ') + 1);
  got.reply.body = response.substr(head.size() + 2);
  got.reusable = !to_the_end && !iequals(header_value(head, "connection:").value_or(""), "close");
  return got;
}

HttpReply exchange(const Endpoint& to, const std::string& address, const std::string& request,
                   Clock::time_point deadline) {
  bool reused = kept.fd >= 0 && kept.to == address && still_open(kept.fd);
  if (!reused) {
    kept.drop();
    kept = {address, connect_to(to)};
    if (kept.fd < 0) return {};
  }
  Received got;
  if (send_all(kept.fd, request, deadline)) {
    got = receive(kept.fd, deadline);
  } else {
    got.closed_unanswered = errno == EPIPE || errno == ECONNRESET;
  }
  // nginx may close an idle connection just as it is reused; a request it
  // closed on unanswered was never taken, so it goes again on a new one.
  if (got.closed_unanswered && reused) {
    kept.drop();
    return exchange(to, address, request, deadline);
  }
  if (got.reply.status == 0 || !got.reusable) kept.drop();
  return got.reply;
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
  std::string request = method + " " + target + " HTTP/1.1\r\nHost: localhost\r\n" + extra_headers +
                        "Content-Length: " + std::to_string(body.size()) + "\r\n\r\n" + body;
  HttpReply reply = exchange(*to, address, request, deadline);
  // nginx's Service may have been recreated with a new address: look it up again.
  if (reply.status == 0 && parsed->unix_path.empty())
    resolved.erase(parsed->host + ":" + parsed->port);
  return reply;
}

}  // namespace crud
