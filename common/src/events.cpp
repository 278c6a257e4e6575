// Event publishing: nchan over nginx's internal unix socket, and Redis pub/sub.
#include "crud/events.h"

#include <poll.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstring>

#include "crud/json.h"

namespace crud {

const char* event_type(UserChange change) {
  switch (change) {
    case UserChange::created:
      return "user.created";
    case UserChange::updated:
      return "user.updated";
    case UserChange::deleted:
      return "user.deleted";
  }
  return "";
}

std::string event_json(UserChange change, const User& user) {
  JsonWriter w;
  w.begin_object()
      .field("type", event_type(change))
      .field("user_id", user.id)
      .field("username", user.username)
      .field("at", user.updated_at)
      .end_object();
  return w.str();
}

EventPublisher::EventPublisher(const Config& config, Redis& redis, const Logger& log)
    : config_(config), redis_(redis), log_(log) {}

void EventPublisher::publish(UserChange change, const User& user) {
  std::string body = event_json(change, user);
  const char* type = event_type(change);
  if (!config_.events_publish_socket.empty() && !publish_to_nchan(type, body))
    log_.event(LogLevel::warn, std::string("event not published to nchan: ") + type);
  if (redis_.configured() && !redis_.command({"PUBLISH", "user-events", body}))
    log_.event(LogLevel::warn, std::string("event not published to user-events: ") + type);
}

bool EventPublisher::publish_to_nchan(const char* type, const std::string& body) {
  std::string headers = std::string("Content-Type: application/json\r\nX-EventSource-Event: ") +
                        type + "\r\n";
  int status = post_over_unix_socket(config_.events_publish_socket, "/users", headers, body,
                                     config_.redis_timeout_ms);
  return status >= 200 && status < 300;
}

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

int post_over_unix_socket(const std::string& path, const std::string& target,
                          const std::string& extra_headers, const std::string& body,
                          int timeout_ms) {
  auto deadline = Clock::now() + std::chrono::milliseconds(timeout_ms);
  sockaddr_un addr{};
  if (path.size() >= sizeof addr.sun_path) return 0;
  addr.sun_family = AF_UNIX;
  std::memcpy(addr.sun_path, path.c_str(), path.size() + 1);
  Socket sock{socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0)};
  if (sock.fd < 0) return 0;
  if (connect(sock.fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0 &&
      !(errno == EINPROGRESS || errno == EAGAIN))
    return 0;

  std::string request = "POST " + target + " HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n" +
                        extra_headers + "Content-Length: " + std::to_string(body.size()) +
                        "\r\n\r\n" + body;
  std::size_t sent = 0;
  while (sent < request.size()) {
    if (!wait_for(sock.fd, POLLOUT, deadline)) return 0;
    ssize_t n = send(sock.fd, request.data() + sent, request.size() - sent, MSG_NOSIGNAL);
    if (n < 0 && errno != EAGAIN && errno != EINTR) return 0;
    if (n > 0) sent += static_cast<std::size_t>(n);
  }
  // Read to the end (Connection: close) and take the status from the first line.
  std::string response;
  char buf[1024];
  for (;;) {
    if (!wait_for(sock.fd, POLLIN, deadline)) return 0;
    ssize_t n = recv(sock.fd, buf, sizeof buf, 0);
    if (n == 0) break;
    if (n < 0 && errno != EAGAIN && errno != EINTR) return 0;
    if (n > 0) response.append(buf, static_cast<std::size_t>(n));
  }
  // "HTTP/1.1 201 Created"
  if (response.size() < 12 || response.compare(0, 5, "HTTP/") != 0) return 0;
  auto space = response.find(' ');
  return std::atoi(response.c_str() + space + 1);
}

}  // namespace crud
