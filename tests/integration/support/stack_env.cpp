// Reads the stack description once per process (see stack_env.h).
#include "support/stack_env.h"

#include <cstdlib>
#include <fstream>
#include <map>
#include <stdexcept>

namespace itest {
namespace {

StackEnv load_stack_env() {
  const char* file = std::getenv("TEST_STACK_ENV");
  if (file == nullptr || *file == '\0') {
    throw std::runtime_error(
        "TEST_STACK_ENV is not set; run the integration tests through ctest so the "
        "`stack` fixture starts the services and writes the env file");
  }
  std::ifstream in(file);
  if (!in) throw std::runtime_error(std::string("cannot read TEST_STACK_ENV file ") + file);

  std::map<std::string, std::string> values;
  std::string line;
  while (std::getline(in, line)) {
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (line.empty() || line[0] == '#') continue;
    const auto eq = line.find('=');
    if (eq == std::string::npos) continue;
    values[line.substr(0, eq)] = line.substr(eq + 1);
  }
  auto need = [&](const char* key) {
    const auto it = values.find(key);
    if (it == values.end() || it->second.empty()) {
      throw std::runtime_error(std::string(file) + " has no " + key);
    }
    return it->second;
  };
  StackEnv env;
  env.base_url = need("BASE_URL");
  while (!env.base_url.empty() && env.base_url.back() == '/') env.base_url.pop_back();
  // Empty on the Apache CGI stack (apache-fixture.sh): no TLS, Redis or nchan.
  auto optional = [&](const char* key) {
    const auto it = values.find(key);
    return it == values.end() ? std::string() : it->second;
  };
  env.https_url = optional("HTTPS_URL");
  env.stack_dir = need("STACK_DIR");
  env.database_url = need("DATABASE_URL");
  env.redis_url = optional("REDIS_URL");
  env.redis_password = optional("REDIS_PASSWORD");
  env.events_publish_socket = optional("EVENTS_PUBLISH_SOCKET");
  env.handler_dir = need("HANDLER_DIR");
  env.repo_dir = need("REPO_DIR");
  env.crudctl = optional("CRUDCTL");
  if (env.crudctl.empty()) env.crudctl = env.handler_dir + "/../tools/crudctl";
  env.jwt_keys = need("JWT_KEYS");
  env.session_secret = need("SESSION_SECRET");
  env.totp_encryption_key = need("TOTP_ENCRYPTION_KEY");
  return env;
}

}  // namespace

const StackEnv& stack_env() {
  // A throwing initializer leaves the static uninitialized, so every test
  // reports the same clear error instead of crashing the process.
  static const StackEnv env = load_stack_env();
  return env;
}

}  // namespace itest
