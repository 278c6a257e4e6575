// TCP helpers for hand-spoken HTTP (see raw_socket.h).
#include "support/raw_socket.h"

#include <netdb.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <stdexcept>

namespace itest {

int ms_until(Clock::time_point deadline) {
  const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now());
  return left.count() > 0 ? static_cast<int>(left.count()) : 0;
}

std::pair<std::string, std::string> host_and_port(const std::string& base_url) {
  const auto scheme_end = base_url.find("://");
  const std::string scheme = base_url.substr(0, scheme_end);
  if (scheme_end == std::string::npos || (scheme != "http" && scheme != "https"))
    throw std::runtime_error("not an http(s) URL: " + base_url);
  const std::string authority = base_url.substr(scheme_end + 3);
  const auto colon = authority.rfind(':');
  if (colon == std::string::npos) return {authority, scheme == "https" ? "443" : "80"};
  return {authority.substr(0, colon), authority.substr(colon + 1)};
}

int connect_to(const std::string& host, const std::string& port, Clock::time_point deadline) {
  addrinfo hints{};
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;
  addrinfo* found = nullptr;
  if (getaddrinfo(host.c_str(), port.c_str(), &hints, &found) != 0 || found == nullptr) {
    throw std::runtime_error("cannot resolve " + host);
  }
  const int fd = socket(found->ai_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  const int rc = fd < 0 ? -1 : connect(fd, found->ai_addr, found->ai_addrlen);
  const int connect_errno = errno;
  freeaddrinfo(found);
  if (fd < 0) throw std::runtime_error(std::string("socket: ") + std::strerror(errno));
  if (rc != 0 && connect_errno != EINPROGRESS) {
    ::close(fd);
    throw std::runtime_error("connect to " + host + ":" + port + ": " +
                             std::strerror(connect_errno));
  }
  pollfd p{fd, POLLOUT, 0};
  int error = 0;
  socklen_t length = sizeof error;
  if (poll(&p, 1, ms_until(deadline)) != 1 ||
      getsockopt(fd, SOL_SOCKET, SO_ERROR, &error, &length) != 0 || error != 0) {
    ::close(fd);
    throw std::runtime_error("connect to " + host + ":" + port + " failed or timed out");
  }
  return fd;
}

void send_all(int fd, const std::string& bytes, Clock::time_point deadline) {
  size_t sent = 0;
  while (sent < bytes.size()) {
    pollfd p{fd, POLLOUT, 0};
    if (poll(&p, 1, ms_until(deadline)) != 1) throw std::runtime_error("send timed out");
    const ssize_t n = send(fd, bytes.data() + sent, bytes.size() - sent, MSG_NOSIGNAL);
    if (n < 0 && errno != EAGAIN && errno != EINTR) {
      throw std::runtime_error(std::string("send: ") + std::strerror(errno));
    }
    if (n > 0) sent += static_cast<size_t>(n);
  }
}

}  // namespace itest
