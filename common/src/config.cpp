// Environment parsing for Config, strict about numbers and URL schemes.
#include "crud/config.h"

#include <sodium.h>

#include <cstdlib>

#include "crud/config_file.h"
#include "crud/database_url.h"
#include "crud/internal_http.h"
#include "crud/redis.h"
#include "crud/text.h"

namespace crud {

std::string env_or(const char* name, const std::string& fallback) {
  const char* value = std::getenv(name);
  return (value && *value) ? std::string(value) : fallback;
}

// nginx's internal server: a unix socket path or a TCP host:port.
static std::string env_internal_address(const char* name) {
  std::string value = env_or(name, "");
  if (!value.empty() && !parse_internal_address(value))
    throw ConfigError(
        std::string(name) +
        " must be a unix socket path (/run/...) or host:port (tcp://host:port), got \"" + value +
        "\"");
  return value;
}

long long env_int(const char* name, long long fallback, long long min, long long max) {
  const char* value = std::getenv(name);
  if (!value || !*value) return fallback;
  auto parsed = parse_decimal(value);
  if (!parsed || *parsed < min || *parsed > max)
    throw ConfigError(std::string(name) + " must be an integer from " + std::to_string(min) +
                      " to " + std::to_string(max) + ", got \"" + value + "\"");
  return *parsed;
}

Config Config::from_env() {
  load_config_file();
  Config c;
  c.database_url = env_or("DATABASE_URL", "");
  if (c.database_url.empty())
    throw ConfigError("DATABASE_URL is required (e.g. postgresql://user:pass@host/db)");
  if (!is_postgres_url(c.database_url) && !sqlite_path(c.database_url))
    throw ConfigError("DATABASE_URL must be postgresql://... or sqlite:///absolute/path/users.db");
  c.redis_url = env_or("REDIS_URL", "");
  if (!c.redis_url.empty() && !parse_redis_url(c.redis_url))
    throw ConfigError(
        "REDIS_URL must be redis://[[user]:password@]host[:port] or unix:///path/redis.sock");
  c.redis_password = env_or("REDIS_PASSWORD", "");
  c.db_connect_timeout_s = static_cast<int>(env_int("DB_CONNECT_TIMEOUT_S", 2, 1, 60));
  c.db_statement_timeout_ms =
      static_cast<int>(env_int("DB_STATEMENT_TIMEOUT_MS", 5000, 10, 600000));
  c.sqlite_busy_timeout_ms = static_cast<int>(env_int("SQLITE_BUSY_TIMEOUT_MS", 5000, 10, 600000));
  c.redis_timeout_ms = static_cast<int>(env_int("REDIS_TIMEOUT_MS", 50, 1, 10000));
  c.cache_ttl_s = static_cast<int>(env_int("CACHE_TTL_S", 60, 1, 86400));
  c.events_publish_socket = env_internal_address("EVENTS_PUBLISH_SOCKET");
  c.request_timeout_s = static_cast<int>(env_int("REQUEST_TIMEOUT_S", 20, 1, 3600));
  c.pool_socket_dir = env_or("POOL_SOCKET_DIR", "");
  c.metrics_dir = env_or("METRICS_DIR", "");
  c.pool_name = env_or("POOL_NAME", "");
  c.nginx_status_socket = env_internal_address("NGINX_STATUS_SOCKET");
  c.password_opslimit = static_cast<std::uint64_t>(env_int(
      "PASSWORD_OPSLIMIT", crypto_pwhash_OPSLIMIT_INTERACTIVE, crypto_pwhash_OPSLIMIT_MIN, 1000));
  c.password_memlimit =
      static_cast<std::size_t>(env_int("PASSWORD_MEMLIMIT", crypto_pwhash_MEMLIMIT_INTERACTIVE,
                                       crypto_pwhash_MEMLIMIT_MIN, 1LL << 32));
  c.log_level = env_or("LOG_LEVEL", "info");
  if (c.log_level != "debug" && c.log_level != "info" && c.log_level != "warn" &&
      c.log_level != "error")
    throw ConfigError("LOG_LEVEL must be one of debug, info, warn, error");
  c.jwt_keys = env_or("JWT_KEYS", "");
  c.jwt_issuer = env_or("JWT_ISSUER", c.jwt_issuer);
  c.jwt_audience = env_or("JWT_AUDIENCE", c.jwt_audience);
  c.access_token_ttl_s = static_cast<int>(env_int("ACCESS_TOKEN_TTL_S", 900, 30, 86400));
  c.refresh_token_ttl_s = static_cast<int>(env_int("REFRESH_TOKEN_TTL_S", 1209600, 60, 31536000));
  c.session_secret = env_or("SESSION_SECRET", "");
  c.totp_encryption_key = env_or("TOTP_ENCRYPTION_KEY", "");
  return c;
}

static bool is_hex_key(const std::string& s) {
  if (s.size() != 64) return false;
  for (char ch : s)
    if (!((ch >= '0' && ch <= '9') || (ch >= 'a' && ch <= 'f') || (ch >= 'A' && ch <= 'F')))
      return false;
  return true;
}

void Config::require_auth_secrets() const {
  if (jwt_keys.empty())
    throw ConfigError(
        "JWT_KEYS is required (e.g. k1:<43 base64url characters of 32 random bytes>)");
  if (!is_hex_key(session_secret))
    throw ConfigError("SESSION_SECRET is required: 64 hex characters (32 random bytes)");
  if (!is_hex_key(totp_encryption_key))
    throw ConfigError("TOTP_ENCRYPTION_KEY is required: 64 hex characters (32 random bytes)");
}

}  // namespace crud
