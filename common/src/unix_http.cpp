// A minimal HTTP/1.1 client over a unix socket with one deadline for the
// whole exchange; enough for nginx's internal servers (nchan, stub_status).
#include "crud/unix_http.h"

#include <poll.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstdlib>
#include <cstring>

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

}  // namespace

HttpReply http_over_unix_socket(const std::string& path, const std::string& method,
                                const std::string& target, const std::string& extra_headers,
                                const std::string& body, int timeout_ms) {
  auto deadline = Clock::now() + std::chrono::milliseconds(timeout_ms);
  sockaddr_un addr{};
  if (path.size() >= sizeof addr.sun_path) return {};
  addr.sun_family = AF_UNIX;
  std::memcpy(addr.sun_path, path.c_str(), path.size() + 1);
  Socket sock{socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0)};
  if (sock.fd < 0) return {};
  if (connect(sock.fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0 &&
      !(errno == EINPROGRESS || errno == EAGAIN))
    return {};

  std::string request = method + " " + target +
                        " HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n" + extra_headers +
                        "Content-Length: " + std::to_string(body.size()) + "\r\n\r\n" + body;
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

}  // namespace crud
