// Fuzz target: a JSON request body through the checks every endpoint runs.
#include <initializer_list>
#include <string>

#include "crud/json.h"
#include "crud/totp.h"
#include "crud/users.h"
#include "targets.h"

namespace crud::fuzz {
namespace {

// The field sets the endpoints accept (register, update, login, refresh and
// logout, password change, TOTP).
const std::initializer_list<std::string_view> kFieldSets[] = {
    {"username", "password"},
    {"username"},
    {"username", "password", "totp", "session"},
    {"refresh_token"},
    {"current_password", "new_password"},
    {"code"},
};

void check_fields(const JsonBody& body, std::initializer_list<std::string_view> fields) {
  std::string username;
  for (auto field : fields) {
    const std::string name(field);
    if (name == "session") {
      body.optional_bool("session", false);
      continue;
    }
    auto value = body.optional_string(name.c_str());
    if (!value) continue;
    if (name == "username") {
      username = *value;
      username_problems(username);
    } else if (name == "code" || name == "totp") {
      normalize_recovery_code(*value);
      verify_totp("JBSWY3DPEHPK3PXP", *value, 1700000000, 0);
    } else {
      password_problems(*value, username);
    }
  }
}

}  // namespace

void json_body(std::string_view input) {
  if (input.empty()) return;
  const auto& fields = kFieldSets[static_cast<unsigned char>(input[0]) % std::size(kFieldSets)];
  try {
    JsonBody body(std::string(input.substr(1)), fields);
    check_fields(body, fields);
  } catch (const ApiError&) {
  }
}

}  // namespace crud::fuzz
