// How a worker ends a FastCGI connection, spoken to a pool's socket directly
// as nginx does: once its answer is written the worker closes the connection
// outright (no half-close that waits for nginx to close first, which cost a
// sleep and a wake-up per request), and a body it refused unread is read to
// its end first, so closing never cuts the answer. And only nginx's user
// may connect: the pools' and nginx's internal sockets are closed to others.
#include <gtest/gtest.h>
#include <poll.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstring>
#include <filesystem>
#include <map>
#include <stdexcept>
#include <string>

#include "support/raw_socket.h"
#include "support/stack_env.h"

namespace itest {
namespace {

using std::chrono::seconds;

constexpr unsigned char kBeginRequest = 1, kEndRequest = 3, kParams = 4, kStdin = 5, kStdout = 6;

std::string record(unsigned char type, const std::string& content) {
  std::string r = {1,
                   static_cast<char>(type),
                   0,
                   1,
                   static_cast<char>(content.size() >> 8),
                   static_cast<char>(content.size() & 0xff),
                   0,
                   0};
  return r + content;
}

std::string length_of(std::size_t n) {
  if (n < 128) return std::string(1, static_cast<char>(n));
  return {static_cast<char>(0x80 | (n >> 24)), static_cast<char>(n >> 16),
          static_cast<char>(n >> 8), static_cast<char>(n)};
}

// A whole FastCGI request (id 1, responder role), its body in stdin records.
std::string fastcgi_request(const std::map<std::string, std::string>& params,
                            const std::string& body) {
  std::string pairs;
  for (const auto& [name, value] : params)
    pairs += length_of(name.size()) + length_of(value.size()) + name + value;
  std::string out = record(kBeginRequest, std::string{0, 1, 0, 0, 0, 0, 0, 0});
  out += record(kParams, pairs) + record(kParams, "");
  for (std::size_t at = 0; at < body.size(); at += 8000)
    out += record(kStdin, body.substr(at, 8000));
  return out + record(kStdin, "");
}

int connect_to_pool(const std::string& pool) {
  std::string path = stack_env().stack_dir + "/run/" + pool + ".sock";
  sockaddr_un addr{};
  addr.sun_family = AF_UNIX;
  std::strncpy(addr.sun_path, path.c_str(), sizeof addr.sun_path - 1);
  int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0 || connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0)
    throw std::runtime_error("cannot connect to " + path + ": " + std::strerror(errno));
  return fd;
}

// Bytes the worker sends until it ends its side of the connection.
std::string read_to_end(int fd, Clock::time_point deadline) {
  std::string got;
  char buf[4096];
  for (;;) {
    pollfd p{fd, POLLIN, 0};
    if (poll(&p, 1, ms_until(deadline)) <= 0) throw std::runtime_error("the worker kept it open");
    ssize_t n = read(fd, buf, sizeof buf);
    if (n <= 0) return got;
    got.append(buf, static_cast<std::size_t>(n));
  }
}

struct Answer {
  std::string stdout_text;
  bool ended = false;  // an END_REQUEST record came
};

Answer parse_records(const std::string& bytes) {
  Answer a;
  for (std::size_t at = 0; at + 8 <= bytes.size();) {
    auto type = static_cast<unsigned char>(bytes[at + 1]);
    std::size_t length = (static_cast<unsigned char>(bytes[at + 4]) << 8) |
                         static_cast<unsigned char>(bytes[at + 5]);
    std::size_t padding = static_cast<unsigned char>(bytes[at + 6]);
    if (type == kStdout) a.stdout_text += bytes.substr(at + 8, length);
    if (type == kEndRequest) a.ended = true;
    at += 8 + length + padding;
  }
  return a;
}

// The worker's end is closed, not only shut for writing: what is sent to
// it now fails instead of being read and thrown away.
bool closed_outright(int fd) {
  return send(fd, "x", 1, MSG_NOSIGNAL) < 0 && (errno == EPIPE || errno == ECONNRESET);
}

class WorkerConnection : public testing::Test {
 protected:
  void TearDown() override {
    if (fd_ >= 0) close(fd_);
  }
  Answer exchange(const std::string& pool, const std::string& request) {
    fd_ = connect_to_pool(pool);
    send_all(fd_, request, Clock::now() + seconds(5));
    return parse_records(read_to_end(fd_, Clock::now() + seconds(5)));
  }
  int fd_ = -1;
};

TEST_F(WorkerConnection, ClosedOutrightOnceAnswered) {
  Answer a = exchange("health.1", fastcgi_request({{"REQUEST_METHOD", "GET"},
                                                   {"REQUEST_URI", "/healthz"},
                                                   {"SERVER_PROTOCOL", "HTTP/1.1"}},
                                                  ""));
  ASSERT_TRUE(a.ended);
  EXPECT_NE(a.stdout_text.find("Status: 200"), std::string::npos) << a.stdout_text;
  EXPECT_TRUE(closed_outright(fd_));
}

TEST_F(WorkerConnection, BodyRefusedUnreadStillGetsTheWholeAnswer) {
  std::string body(12000, 'a');  // two stdin records, refused before it is read
  Answer a =
      exchange("update_user.1", fastcgi_request({{"REQUEST_METHOD", "PUT"},
                                                 {"REQUEST_URI", "/api/users/1"},
                                                 {"SERVER_PROTOCOL", "HTTP/1.1"},
                                                 {"CONTENT_TYPE", "text/plain"},
                                                 {"CONTENT_LENGTH", std::to_string(body.size())}},
                                                body));
  ASSERT_TRUE(a.ended);
  EXPECT_NE(a.stdout_text.find("Status: 401"), std::string::npos) << a.stdout_text;
  EXPECT_NE(a.stdout_text.find("\"error\""), std::string::npos) << a.stdout_text;
  EXPECT_TRUE(closed_outright(fd_));
}

// A worker trusts what nginx sends it (the caller's address, the request
// id), and nginx's internal socket publishes events: another local user
// must not reach either.
TEST(StackSockets, ClosedToOtherUsers) {
  int sockets = 0;
  for (const auto& entry : std::filesystem::directory_iterator(stack_env().stack_dir + "/run")) {
    struct stat st {};
    if (lstat(entry.path().c_str(), &st) != 0 || !S_ISSOCK(st.st_mode)) continue;
    ++sockets;
    EXPECT_EQ(st.st_mode & 0007, 0u) << entry.path() << " mode " << std::oct << (st.st_mode & 0777);
  }
  EXPECT_GE(sockets, 20) << "the pools' sockets and nginx's internal one";
}

}  // namespace
}  // namespace itest
