// JSON-lines logging to stderr: one line per request and one per notable
// event, always with the endpoint and request id. Never pass secrets here.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace crud {

enum class LogLevel { debug, info, warn, error };

// What the log line of a finished request says (path without the query, so
// no secret in a query string reaches the log).
struct RequestRecord {
  std::string_view request_id, method, path;
  int status = 0;
  double duration_ms = 0, postgres_ms = 0, redis_ms = 0;
  std::int64_t user_id = 0;  // the authenticated caller; 0 when unknown
};

class Logger {
 public:
  Logger(std::string endpoint, std::string_view level);

  // One line for a finished request.
  void request(const RequestRecord& r) const;
  // A free-form event line tagged with the current request id (if any).
  void event(LogLevel level, std::string_view message) const;
  const std::string& endpoint() const { return endpoint_; }
  // Tags later event lines with this request id ("" outside a request).
  void set_request_id(std::string id) { request_id_ = std::move(id); }

 private:
  void write(LogLevel level, std::string_view request_id, std::string_view message,
             std::string_view extra_json) const;
  std::string endpoint_;
  LogLevel threshold_;
  std::string request_id_;
};

// The current UTC time as RFC 3339 with milliseconds, e.g. 2024-01-01T12:00:00.123Z.
std::string utc_now_rfc3339_ms();

}  // namespace crud
