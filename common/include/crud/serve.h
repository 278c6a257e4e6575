// The serve loop every endpoint executable runs. It owns FastCGI versus
// plain CGI, signals (graceful stop), reading the body under the SPEC's
// limits, timing, logging, standard headers and turning exceptions into the
// JSON error body. A handler only maps a Request to a Response.
#pragma once

#include <functional>
#include <initializer_list>
#include <memory>
#include <string>
#include <vector>

#include "crud/auth.h"
#include "crud/auth_store.h"
#include "crud/config.h"
#include "crud/events.h"
#include "crud/http.h"
#include "crud/jwt.h"
#include "crud/log.h"
#include "crud/metrics.h"
#include "crud/password.h"
#include "crud/redis.h"
#include "crud/secretbox.h"
#include "crud/storage.h"
#include "crud/store.h"
#include "crud/throttle.h"
#include "crud/user_cache.h"

namespace crud {

// What a handler may use besides the request: one per worker process.
// Construction checks the secrets and throws ConfigError on a bad one.
struct Context {
  explicit Context(const Config& config, const std::string& endpoint);
  const Config& config;
  Logger log;
  WorkerMetrics metrics;
  std::unique_ptr<Storage> storage;  // chosen by DATABASE_URL
  Redis redis;
  UserStore& users;
  AuthStore& auth;
  PasswordHasher passwords;
  KeyRing keys;
  std::string session_key;  // raw bytes of SESSION_SECRET
  SecretBox totp_box;
  LoginThrottle throttle;
  UserCache cache;
  EventPublisher events;
  // The authenticated caller of the current request, once known (for the log).
  std::int64_t caller_id = 0;
};

using Handler = std::function<Response(const Request&, Context&)>;

struct Endpoint {
  const char* name;                  // e.g. "read_user"; names logs and metrics
  std::vector<std::string> methods;  // served methods; others get 405 with Allow
  Handler handle;
};

// Serves requests until told to stop (FastCGI) or serves the one CGI
// request; returns the process exit code.
int serve(const Endpoint& endpoint);

// The SPEC's largest accepted request body.
constexpr std::size_t kMaxBodyBytes = 16 * 1024;

}  // namespace crud
