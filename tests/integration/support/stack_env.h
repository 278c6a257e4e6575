// Where the private test stack lives: the KEY=VALUE file that the `stack` CTest
// fixture writes, named by the TEST_STACK_ENV environment variable. Every
// integration test reads its URLs and directories from here, never from
// hard-coded paths or ports.
#pragma once

#include <string>

namespace itest {

struct StackEnv {
  std::string base_url;  // e.g. http://127.0.0.1:39123 (nginx)
  // Empty where the stack has none (the Apache CGI stack: apache-fixture.sh).
  std::string https_url;              // e.g. https://127.0.0.1:39124 (nginx, TLS)
  std::string stack_dir;              // the stack's temp folder
  std::string database_url;           // libpq URL of the stack's PostgreSQL
  std::string redis_url;              // the stack's Redis (unix://path)
  std::string redis_password;         // its password (REDIS_PASSWORD)
  std::string events_publish_socket;  // nginx's nchan publisher socket
  std::string handler_dir;            // folder holding the handler executables
  std::string repo_dir;               // the repository root
  std::string crudctl;  // the operator tool (CRUDCTL, else HANDLER_DIR/../tools/crudctl)
  // The workers' authentication settings, for CGI runs and forging tokens.
  std::string jwt_keys;             // "kid:base64url-secret,..." (first one signs)
  std::string session_secret;       // 64 hex characters
  std::string totp_encryption_key;  // 64 hex characters
};

// The stack description; throws std::runtime_error naming what is missing.
const StackEnv& stack_env();

}  // namespace itest
