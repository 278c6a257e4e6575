// Environment parsing for Config, strict about numbers and URL schemes.
#include "crud/config.h"

#include <sodium.h>

#include <cstdlib>

#include "crud/text.h"

namespace crud {

std::string env_or(const char* name, const std::string& fallback) {
  const char* value = std::getenv(name);
  return (value && *value) ? std::string(value) : fallback;
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
  Config c;
  c.database_url = env_or("DATABASE_URL", "");
  if (c.database_url.empty())
    throw ConfigError("DATABASE_URL is required (e.g. postgresql://user:pass@host/db)");
  if (!starts_with(c.database_url, "postgresql://") && !starts_with(c.database_url, "postgres://"))
    throw ConfigError("DATABASE_URL must start with postgresql://");
  c.redis_url = env_or("REDIS_URL", "");
  if (!c.redis_url.empty() && !starts_with(c.redis_url, "redis://") &&
      !starts_with(c.redis_url, "unix://"))
    throw ConfigError("REDIS_URL must start with redis:// or unix://");
  c.db_connect_timeout_s = static_cast<int>(env_int("DB_CONNECT_TIMEOUT_S", 2, 1, 60));
  c.db_statement_timeout_ms =
      static_cast<int>(env_int("DB_STATEMENT_TIMEOUT_MS", 5000, 10, 600000));
  c.redis_timeout_ms = static_cast<int>(env_int("REDIS_TIMEOUT_MS", 50, 1, 10000));
  c.password_opslimit = static_cast<std::uint64_t>(env_int(
      "PASSWORD_OPSLIMIT", crypto_pwhash_OPSLIMIT_INTERACTIVE, crypto_pwhash_OPSLIMIT_MIN, 1000));
  c.password_memlimit =
      static_cast<std::size_t>(env_int("PASSWORD_MEMLIMIT", crypto_pwhash_MEMLIMIT_INTERACTIVE,
                                       crypto_pwhash_MEMLIMIT_MIN, 1LL << 32));
  c.log_level = env_or("LOG_LEVEL", "info");
  if (c.log_level != "debug" && c.log_level != "info" && c.log_level != "warn" &&
      c.log_level != "error")
    throw ConfigError("LOG_LEVEL must be one of debug, info, warn, error");
  return c;
}

}  // namespace crud
