// nginx's internal server address (EVENTS_PUBLISH_SOCKET, NGINX_STATUS_SOCKET):
// how each spelling is read, and one real exchange over TCP and a unix socket
// with a one-shot server on this machine.
#include "crud/internal_http.h"

#include <gtest/gtest.h>
#include <netdb.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <cstdio>
#include <cstring>
#include <string>
#include <thread>

using namespace crud;

namespace {

struct AddressCase {
  std::string input;
  std::optional<InternalAddress> expected;
  const char* reason;
};

InternalAddress unix_socket(const char* path) { return {path, "", ""}; }
InternalAddress tcp(const char* host, const char* port) { return {"", host, port}; }

TEST(ParseInternalAddress, Table) {
  const AddressCase cases[] = {
      {"/run/crud/nginx/nginx-internal.sock", unix_socket("/run/crud/nginx/nginx-internal.sock"),
       "absolute path is a unix socket"},
      {"nginx-internal:8081", tcp("nginx-internal", "8081"), "service name and port"},
      {"tcp://nginx-internal:8081", tcp("nginx-internal", "8081"), "tcp:// prefix"},
      {"10.1.2.3:8081", tcp("10.1.2.3", "8081"), "IPv4 address"},
      {"nginx.crud.svc.cluster.local:1", tcp("nginx.crud.svc.cluster.local", "1"), "lowest port"},
      {"tcp://[fd00::1]:65535", tcp("fd00::1", "65535"), "bracketed IPv6, highest port"},
      {"", std::nullopt, "empty"},
      {"run/nginx.sock", std::nullopt, "relative path"},
      {"/" + std::string(120, 'a'), std::nullopt, "path longer than sun_path"},
      {"crud-nginx-x7k2", tcp("crud-nginx-x7k2", "8081"), "bare host: nginx's internal port"},
      {"tcp://crud-nginx", tcp("crud-nginx", "8081"), "bare host with tcp://"},
      {"nginx-internal:", std::nullopt, "empty port"},
      {":8081", std::nullopt, "empty host"},
      {"nginx:0", std::nullopt, "port 0"},
      {"nginx:65536", std::nullopt, "port above 65535"},
      {"nginx:80a", std::nullopt, "port not a number"},
      {"nginx:+80", std::nullopt, "port with a sign"},
      {"fd00::1:8081", std::nullopt, "IPv6 without brackets"},
      {"[fd00::1]8081", std::nullopt, "no colon after the brackets"},
      {"[nginx]:8081", std::nullopt, "a name in brackets"},
      {"http://nginx:8081", std::nullopt, "other scheme"},
      {"tcp:///run/nginx.sock", std::nullopt, "tcp:// with a path"},
      {"ngi nx:8081", std::nullopt, "space in the host"},
  };
  for (const auto& c : cases) {
    auto got = parse_internal_address(c.input);
    EXPECT_EQ(got.has_value(), c.expected.has_value()) << c.reason;
    if (got && c.expected) {
      EXPECT_TRUE(*got == *c.expected) << c.reason;
    }
  }
}

// Accepts one connection on listener, reads the request head and answers
// `answer`; the request it read is left in `request`.
std::thread serve_once(int listener, std::string& request, const char* answer) {
  return std::thread([listener, &request, answer] {
    int conn = accept(listener, nullptr, nullptr);
    if (conn < 0) return;
    char buf[4096];
    while (request.find("\r\n\r\n") == std::string::npos) {
      ssize_t n = recv(conn, buf, sizeof buf, 0);
      if (n <= 0) break;
      request.append(buf, static_cast<std::size_t>(n));
    }
    ssize_t ignored = send(conn, answer, std::strlen(answer), MSG_NOSIGNAL);
    (void)ignored;
    close(conn);
  });
}

const char* kStatusAnswer =
    "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nConnection: close\r\n\r\n"
    "Active connections: 1 \n";

TEST(InternalHttpRequest, OverTcpByName) {
  // Listen where the client's lookup of "localhost" leads (IPv4 or IPv6).
  addrinfo hints{};
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;
  addrinfo* found = nullptr;
  ASSERT_EQ(getaddrinfo("localhost", "0", &hints, &found), 0);
  int listener = socket(found->ai_family, SOCK_STREAM, 0);
  ASSERT_GE(listener, 0);
  ASSERT_EQ(bind(listener, found->ai_addr, found->ai_addrlen), 0);
  freeaddrinfo(found);
  ASSERT_EQ(listen(listener, 1), 0);
  sockaddr_storage addr{};
  socklen_t len = sizeof addr;
  ASSERT_EQ(getsockname(listener, reinterpret_cast<sockaddr*>(&addr), &len), 0);
  // sin_port and sin6_port sit at the same offset.
  std::string port = std::to_string(ntohs(reinterpret_cast<sockaddr_in*>(&addr)->sin_port));

  std::string request;
  std::thread server = serve_once(listener, request, kStatusAnswer);
  HttpReply reply =
      internal_http_request("tcp://localhost:" + port, "GET", "/nginx_status", "", "", 2000);
  server.join();
  close(listener);
  EXPECT_EQ(reply.status, 200);
  EXPECT_EQ(reply.body, "Active connections: 1 \n");
  EXPECT_EQ(request.rfind("GET /nginx_status HTTP/1.1\r\n", 0), 0u) << request;

  // Nobody listens there any more: no answer, and no wait beyond the deadline.
  EXPECT_EQ(internal_http_request("localhost:" + port, "GET", "/", "", "", 500).status, 0);
}

// A listening unix socket at `path` (replacing a stale one); -1 on failure.
int unix_listener(const std::string& path) {
  int listener = socket(AF_UNIX, SOCK_STREAM, 0);
  if (listener < 0) return -1;
  sockaddr_un addr{};
  addr.sun_family = AF_UNIX;
  std::snprintf(addr.sun_path, sizeof addr.sun_path, "%s", path.c_str());
  unlink(path.c_str());
  if (bind(listener, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0 ||
      listen(listener, 4) != 0) {
    close(listener);
    return -1;
  }
  return listener;
}

TEST(InternalHttpRequest, OverUnixSocket) {
  std::string path = "/tmp/crud-internal-http-" + std::to_string(getpid()) + ".sock";
  int listener = unix_listener(path);
  ASSERT_GE(listener, 0);

  std::string request;
  std::thread server =
      serve_once(listener, request, "HTTP/1.1 201 Created\r\nConnection: close\r\n\r\n");
  HttpReply reply =
      internal_http_request(path, "POST", "/users", "X-EventSource-Event: t\r\n", "{}", 2000);
  server.join();
  close(listener);
  unlink(path.c_str());
  EXPECT_EQ(reply.status, 201);
  EXPECT_NE(request.find("X-EventSource-Event: t\r\n"), std::string::npos) << request;
  EXPECT_NE(request.find("Content-Length: 2\r\n"), std::string::npos) << request;
}

// Reads one request with the body "{}" from conn into `pending`'s front and
// removes it; false when the client closed first.
bool read_request(int conn, std::string& pending) {
  char buf[4096];
  while (pending.find("\r\n\r\n{}") == std::string::npos) {
    ssize_t n = recv(conn, buf, sizeof buf, 0);
    if (n <= 0) return false;
    pending.append(buf, static_cast<std::size_t>(n));
  }
  pending.erase(0, pending.find("\r\n\r\n{}") + 6);
  return true;
}

// nginx keeps a connection open after an answer with a Content-Length: the
// next request goes on it; once nginx has closed it (keepalive_timeout, a
// reload), the next request goes on a new connection and is answered.
TEST(InternalHttpRequest, KeepsTheConnectionUntilNginxClosesIt) {
  std::string path = "/tmp/crud-internal-http-ka-" + std::to_string(getpid()) + ".sock";
  int listener = unix_listener(path);
  ASSERT_GE(listener, 0);

  const char* answer = "HTTP/1.1 202 Accepted\r\nContent-Length: 2\r\n\r\nok";
  int connections = 0, answered = 0;
  std::thread server([&] {
    for (int requests_on_it : {2, 1}) {
      int conn = accept(listener, nullptr, nullptr);
      if (conn < 0) return;
      ++connections;
      std::string pending;
      for (int i = 0; i < requests_on_it && read_request(conn, pending); ++i) {
        if (send(conn, answer, std::strlen(answer), MSG_NOSIGNAL) > 0) ++answered;
      }
      close(conn);  // as nginx does with an idle connection
    }
  });
  for (int i = 0; i < 3; ++i) {
    HttpReply reply = internal_http_request(path, "POST", "/users", "", "{}", 2000);
    EXPECT_EQ(reply.status, 202) << "request " << i;
    EXPECT_EQ(reply.body, "ok") << "request " << i;
  }
  server.join();
  close(listener);
  unlink(path.c_str());
  EXPECT_EQ(connections, 2);
  EXPECT_EQ(answered, 3);
}

}  // namespace
