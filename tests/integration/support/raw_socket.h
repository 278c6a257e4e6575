// Plain TCP to the stack's nginx for the tests that must speak HTTP by hand
// (live-event streams, hostile or slow requests): connect, send all bytes,
// each bounded by a deadline so a silent server fails the test, never hangs it.
#pragma once

#include <chrono>
#include <string>
#include <utility>

namespace itest {

using Clock = std::chrono::steady_clock;

// Milliseconds left until `deadline` (0 once it has passed), for poll().
int ms_until(Clock::time_point deadline);
// "http://host:port" or "https://..." -> host, port (80 or 443 when absent);
// throws for another scheme.
std::pair<std::string, std::string> host_and_port(const std::string& base_url);
// A connected non-blocking socket; throws std::runtime_error when that fails by `deadline`.
int connect_to(const std::string& host, const std::string& port, Clock::time_point deadline);
// Writes all of `bytes`; throws std::runtime_error on an error or at `deadline`.
void send_all(int fd, const std::string& bytes, Clock::time_point deadline);

}  // namespace itest
