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
  std::string database_url;            // DATABASE_URL (required): postgresql:// or sqlite:///path
  std::string redis_url;               // REDIS_URL (optional; empty = no Redis)
  std::string redis_password;          // REDIS_PASSWORD (optional; sent with AUTH)
  int db_connect_timeout_s = 2;        // DB_CONNECT_TIMEOUT_S
  int db_statement_timeout_ms = 5000;  // DB_STATEMENT_TIMEOUT_MS
  int sqlite_busy_timeout_ms = 5000;   // SQLITE_BUSY_TIMEOUT_MS: wait for SQLite's write lock
  int redis_timeout_ms = 50;           // REDIS_TIMEOUT_MS: also bounds an event publish
  int cache_ttl_s = 60;                // CACHE_TTL_S: lifetime of a cached user
  std::string
      events_publish_socket;   // EVENTS_PUBLISH_SOCKET: nginx's nchan publisher (path or host:port)
  int request_timeout_s = 20;  // REQUEST_TIMEOUT_S: a worker exits after this
  std::string pool_socket_dir;      // POOL_SOCKET_DIR: /readyz checks the pools here
  std::string metrics_dir;          // METRICS_DIR: per-worker metrics files (empty = off)
  std::string pool_name;            // POOL_NAME: e.g. read_user.1, labels this worker's metrics
  std::string nginx_status_socket;  // NGINX_STATUS_SOCKET: nginx stub_status (path or host:port)
  std::uint64_t password_opslimit = 0;  // PASSWORD_OPSLIMIT (0 = libsodium INTERACTIVE)
  std::size_t password_memlimit = 0;    // PASSWORD_MEMLIMIT in bytes (0 = INTERACTIVE)
  std::string log_level = "info";       // LOG_LEVEL: debug, info, warn, error

  // Authentication (required by every endpoint, not by crudctl).
  std::string jwt_keys;                   // JWT_KEYS: "kid:base64url,..." (first signs)
  std::string jwt_issuer = "crud";        // JWT_ISSUER
  std::string jwt_audience = "crud-api";  // JWT_AUDIENCE
  int access_token_ttl_s = 900;           // ACCESS_TOKEN_TTL_S
  int refresh_token_ttl_s = 1209600;      // REFRESH_TOKEN_TTL_S (14 days)
  std::string session_secret;             // SESSION_SECRET: 64 hex chars, signs CSRF tokens
  std::string totp_encryption_key;        // TOTP_ENCRYPTION_KEY: 64 hex chars

  // Reads every setting; throws ConfigError on the first bad one.
  static Config from_env();
  // Throws ConfigError unless the authentication secrets are set and well-formed.
  void require_auth_secrets() const;
};

// The value of an optional setting, or fallback when it is unset or empty.
std::string env_or(const char* name, const std::string& fallback);
// An optional integer setting within [min, max]; throws ConfigError when malformed.
long long env_int(const char* name, long long fallback, long long min, long long max);

}  // namespace crud
