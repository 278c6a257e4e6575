// Slowloris-style clients: connections that dribble their headers or body
// must be cut by nginx (client_header_timeout, client_body_timeout: 10 s)
// and must never hold a FastCGI worker, so normal requests keep being
// served at full speed meanwhile.
#include <gtest/gtest.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <memory>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "support/http_client.h"
#include "support/json_checks.h"
#include "support/pg_session.h"
#include "support/raw_http.h"
#include "support/raw_socket.h"
#include "support/stack_env.h"
#include "support/test_data.h"

namespace itest {
namespace {

using std::chrono::milliseconds;
using std::chrono::seconds;

// nginx's client_header_timeout and client_body_timeout, plus slack for a busy machine.
constexpr auto kCutWithin = seconds(15);

class SlowClient {
 public:
  SlowClient() {
    const auto [host, port] = host_and_port(stack_env().base_url);
    fd_ = connect_to(host, port, Clock::now() + seconds(5));
  }
  SlowClient(const SlowClient&) = delete;
  SlowClient& operator=(const SlowClient&) = delete;
  ~SlowClient() { ::close(fd_); }

  // Sends `bytes`; false once nginx has closed the connection.
  bool send(const std::string& bytes) {
    if (ended()) return false;
    try {
      send_all(fd_, bytes, Clock::now() + seconds(1));
      return true;
    } catch (const std::runtime_error&) {
      return false;
    }
  }

  // True once nginx answered or closed; what it sent is kept in received().
  bool ended() {
    pollfd p{fd_, POLLIN, 0};
    while (!closed_ && poll(&p, 1, 0) == 1) {
      char buffer[4096];
      const ssize_t n = recv(fd_, buffer, sizeof buffer, 0);
      if (n > 0) {
        received_.append(buffer, static_cast<size_t>(n));
      } else if (n == 0 || (errno != EAGAIN && errno != EINTR)) {
        closed_ = true;
      }
    }
    return closed_ || !received_.empty();
  }
  const std::string& received() const { return received_; }

 private:
  int fd_ = -1;
  bool closed_ = false;
  std::string received_;
};

// Calls `step` once a second until the client ends or `limit` passes; how long it lasted.
template <typename Step>
std::optional<Clock::duration> dribble_until_cut(SlowClient& client, Clock::duration limit,
                                                 Step step) {
  const auto start = Clock::now();
  while (Clock::now() - start < limit) {
    if (client.ended()) return Clock::now() - start;
    step();
    std::this_thread::sleep_for(seconds(1));
  }
  return std::nullopt;
}

// A request that must be served promptly while slow clients hold connections.
void expect_served_promptly() {
  const auto start = Clock::now();
  const auto r = request("GET", "/api/users?limit=1");
  EXPECT_TRUE(IsJsonResponse(r, 200));
  EXPECT_LT(Clock::now() - start, seconds(2)) << "a normal request waited behind slow clients";
}

TEST(SlowClient, DribbledHeadersAreCutAndHoldNoWorker) {
  // More connections than any pool has workers.
  std::vector<std::unique_ptr<SlowClient>> clients;
  for (int i = 0; i < 12; ++i) {
    clients.push_back(std::make_unique<SlowClient>());
    ASSERT_TRUE(clients.back()->send("GET /api/users HTTP/1.1\r\nHost: localhost\r\n"));
  }
  int line = 0;
  const auto lasted = dribble_until_cut(*clients.front(), kCutWithin, [&] {
    ++line;
    for (auto& c : clients) c->send("X-Slow-" + std::to_string(line) + ": 1\r\n");
    if (line == 3) expect_served_promptly();
  });
  ASSERT_TRUE(lasted.has_value()) << "nginx kept a dribbling header open past its timeout";
  EXPECT_GE(*lasted, seconds(8)) << "cut before client_header_timeout (10 s)";
  // nginx closes a timed-out header without an answer (or with its 408 as JSON).
  if (!clients.front()->received().empty()) {
    EXPECT_TRUE(
        IsApiError(parse_raw_response(clients.front()->received()), 408, "request_timeout"));
  }
  expect_served_promptly();
}

TEST(SlowClient, StalledBodyIsCutWithJsonErrorAndHoldsNoWorker) {
  const std::string name = unique_username("Slow");
  const std::string body = credentials_body(name, strong_password());
  std::vector<std::unique_ptr<SlowClient>> clients;
  for (int i = 0; i < 12; ++i) {
    clients.push_back(std::make_unique<SlowClient>());
    // Headers complete, a little of the body, then nothing more.
    ASSERT_TRUE(clients.back()->send(
        "POST /api/register HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\n"
        "Content-Length: " +
        std::to_string(body.size()) + "\r\nConnection: close\r\n\r\n" + body.substr(0, 5)));
  }
  bool checked = false;
  const auto lasted = dribble_until_cut(*clients.front(), kCutWithin, [&] {
    if (!checked) expect_served_promptly();
    checked = true;
  });
  ASSERT_TRUE(lasted.has_value()) << "nginx kept a stalled body open past its timeout";
  EXPECT_GE(*lasted, seconds(8)) << "cut before client_body_timeout (10 s)";
  if (!clients.front()->received().empty()) {
    EXPECT_TRUE(
        IsApiError(parse_raw_response(clients.front()->received()), 408, "request_timeout"));
  }
  // Nothing of the half-sent registrations was stored.
  PgSession pg;
  EXPECT_EQ(pg.query("SELECT count(*) FROM users WHERE lower(username) = lower($1)", {name})[0][0],
            "0");
  expect_served_promptly();
}

}  // namespace
}  // namespace itest
