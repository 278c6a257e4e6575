// Logger: builds each line with JsonWriter and emits it with a single
// write(2) so lines from concurrent workers sharing a file never interleave.
#include "crud/log.h"

#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <ctime>

#include "crud/json.h"

namespace crud {

static LogLevel parse_level(std::string_view s) {
  if (s == "debug") return LogLevel::debug;
  if (s == "warn") return LogLevel::warn;
  if (s == "error") return LogLevel::error;
  return LogLevel::info;
}

static const char* level_name(LogLevel l) {
  switch (l) {
    case LogLevel::debug:
      return "debug";
    case LogLevel::info:
      return "info";
    case LogLevel::warn:
      return "warn";
    case LogLevel::error:
      return "error";
  }
  return "info";
}

std::string utc_now_rfc3339_ms() {
  using namespace std::chrono;
  auto now = system_clock::now();
  std::time_t secs = system_clock::to_time_t(now);
  auto ms = duration_cast<milliseconds>(now.time_since_epoch()).count() % 1000;
  std::tm tm{};
  gmtime_r(&secs, &tm);
  char buf[64];
  std::snprintf(buf, sizeof buf, "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", tm.tm_year + 1900,
                tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec, static_cast<int>(ms));
  return buf;
}

Logger::Logger(std::string endpoint, std::string_view level)
    : endpoint_(std::move(endpoint)), threshold_(parse_level(level)) {}

void Logger::request(const RequestRecord& r) const {
  LogLevel level = r.status >= 500 ? LogLevel::error : LogLevel::info;
  char extra[200];
  std::snprintf(extra, sizeof extra,
                "\"status\":%d,\"duration_ms\":%.3f,\"postgres_ms\":%.3f,\"redis_ms\":%.3f",
                r.status, r.duration_ms, r.postgres_ms, r.redis_ms);
  JsonWriter w;  // method and path are client text: escape them through the writer
  w.begin_object().field("method", r.method).field("path", r.path);
  if (r.user_id > 0) w.field("user_id", r.user_id);
  w.end_object();
  std::string fields = w.str();
  fields = fields.substr(1, fields.size() - 2) + "," + extra;
  write(level, r.request_id, "request", fields);
}

void Logger::event(LogLevel level, std::string_view message) const {
  write(level, request_id_, message, {});
}

void Logger::write(LogLevel level, std::string_view request_id, std::string_view message,
                   std::string_view extra_json) const {
  if (level < threshold_) return;
  JsonWriter w;
  w.begin_object();
  w.field("ts", utc_now_rfc3339_ms());
  w.field("level", level_name(level));
  w.field("endpoint", endpoint_);
  w.field("request_id", request_id);
  w.field("msg", message);
  w.end_object();
  std::string line = w.str();
  if (!extra_json.empty()) line.insert(line.size() - 1, std::string(",") + std::string(extra_json));
  line += '\n';
  // One write per line; a short write to a log is not worth a retry loop.
  ssize_t ignored = ::write(STDERR_FILENO, line.data(), line.size());
  (void)ignored;
}

}  // namespace crud
