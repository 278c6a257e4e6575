// Hand-spoken HTTP requests (see raw_http.h).
#include "support/raw_http.h"

#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <stdexcept>

#include "support/raw_socket.h"
#include "support/stack_env.h"

namespace itest {
namespace {

// "<hex size>\r\n<data>\r\n" ... "0\r\n\r\n" -> the data.
std::string dechunk(const std::string& chunked) {
  std::string out;
  size_t at = 0;
  for (;;) {
    const auto line_end = chunked.find("\r\n", at);
    if (line_end == std::string::npos) break;
    const size_t size = std::strtoul(chunked.c_str() + at, nullptr, 16);
    if (size == 0 || chunked.size() < line_end + 2 + size) break;
    out += chunked.substr(line_end + 2, size);
    at = line_end + 2 + size + 2;
  }
  return out;
}

}  // namespace

Response parse_raw_response(const std::string& text) {
  if (text.rfind("HTTP/", 0) != 0) throw std::runtime_error("no status line in: " + text);
  Response r;
  r.status = std::atoi(text.c_str() + text.find(' ') + 1);
  const auto head_end = text.find("\r\n\r\n");
  const std::string head = text.substr(0, head_end);
  size_t at = head.find("\r\n");
  while (at != std::string::npos && at < head.size()) {
    const auto next = head.find("\r\n", at + 2);
    add_header_line(r.headers,
                    head.substr(at + 2, next == std::string::npos ? next : next - at - 2));
    at = next;
  }
  r.body = head_end == std::string::npos ? "" : text.substr(head_end + 4);
  const auto coding = r.header("Transfer-Encoding");
  if (coding && iequals(*coding, "chunked")) r.body = dechunk(r.body);
  return r;
}

Response raw_exchange(const std::string& bytes, std::chrono::milliseconds timeout,
                      const std::string& base_url) {
  const auto deadline = Clock::now() + timeout;
  const auto [host, port] = host_and_port(base_url.empty() ? stack_env().base_url : base_url);
  const int fd = connect_to(host, port, deadline);
  std::string received;
  try {
    send_all(fd, bytes, deadline);
  } catch (const std::runtime_error&) {
    // nginx may answer and close before it has read everything (a header
    // too large): what it answered still counts.
  }
  char buffer[16384];
  for (;;) {
    pollfd p{fd, POLLIN, 0};
    if (poll(&p, 1, ms_until(deadline)) != 1) break;
    const ssize_t n = recv(fd, buffer, sizeof buffer, 0);
    if (n < 0 && (errno == EAGAIN || errno == EINTR)) continue;
    if (n <= 0) break;
    received.append(buffer, static_cast<size_t>(n));
  }
  ::close(fd);
  Response r = parse_raw_response(received);
  r.method = bytes.substr(0, bytes.find(' '));
  r.path = "(raw request)";
  return r;
}

}  // namespace itest
