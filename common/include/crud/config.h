// Settings read from environment variables (12-factor). A missing or invalid
// required setting stops start-up with a one-line error naming the setting.
#pragma once

#include <cstdint>
#include <stdexcept>
#include <string>

namespace crud {

// Thrown for a missing or malformed setting; what() is the one-line message.
class ConfigError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

struct Config {
  std::string database_url;             // DATABASE_URL (required)
  std::string redis_url;                // REDIS_URL (optional; empty = no Redis)
  int db_connect_timeout_s = 2;         // DB_CONNECT_TIMEOUT_S
  int db_statement_timeout_ms = 5000;   // DB_STATEMENT_TIMEOUT_MS
  int redis_timeout_ms = 50;            // REDIS_TIMEOUT_MS
  std::uint64_t password_opslimit = 0;  // PASSWORD_OPSLIMIT (0 = libsodium INTERACTIVE)
  std::size_t password_memlimit = 0;    // PASSWORD_MEMLIMIT in bytes (0 = INTERACTIVE)
  std::string log_level = "info";       // LOG_LEVEL: debug, info, warn, error

  // Reads every setting; throws ConfigError on the first bad one.
  static Config from_env();
};

// The value of an optional setting, or fallback when it is unset or empty.
std::string env_or(const char* name, const std::string& fallback);
// An optional integer setting within [min, max]; throws ConfigError when malformed.
long long env_int(const char* name, long long fallback, long long min, long long max);

}  // namespace crud
