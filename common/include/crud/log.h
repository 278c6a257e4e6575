// JSON-lines logging to stderr: one line per request and one per notable
// event, always with the endpoint and request id. Never pass secrets here.
#pragma once

#include <string>
#include <string_view>

namespace crud {

enum class LogLevel { debug, info, warn, error };

class Logger {
 public:
  Logger(std::string endpoint, std::string_view level);

  // One line for a finished request; redis_ms is the part spent waiting on Redis.
  void request(std::string_view request_id, std::string_view method, std::string_view path,
               int status, double duration_ms, double redis_ms) const;
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
