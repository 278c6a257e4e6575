// Two-factor steps a client takes (see two_factor.h).
#include "support/two_factor.h"

#include <stdexcept>

#include "support/json_checks.h"
#include "support/test_data.h"

namespace itest {

Response enrol(const Account& a) {
  return request("POST", "/api/me/totp", std::nullopt, bearer(a.tokens.access_token));
}

Response verify(const Account& a, const std::string& code) {
  return request("POST", "/api/me/totp/verify", "{\"code\":" + json_quote(code) + "}",
                 bearer(a.tokens.access_token));
}

Response login_with_code(const CreatedUser& u, const std::string& code) {
  return login(u.username, u.password, "\"totp\":" + json_quote(code));
}

TwoFactor enable_two_factor(const std::string& prefix) {
  TwoFactor tf;
  tf.account = create_account(prefix);
  const auto enrolled = enrol(tf.account);
  tf.secret = string_member(parse_json(enrolled.body), "secret");
  if (enrolled.status != 200 || tf.secret.empty()) {
    throw std::runtime_error("setup: enrol failed\n" + enrolled.describe());
  }
  tf.verified_at = unix_now();
  const auto verified = verify(tf.account, totp_code_at(tf.secret, tf.verified_at));
  const auto doc = parse_json(verified.body);
  if (verified.status != 200 || !doc.IsObject() || !doc.HasMember("recovery_codes") ||
      !doc["recovery_codes"].IsArray()) {
    throw std::runtime_error("setup: verify failed\n" + verified.describe());
  }
  for (const auto& c : doc["recovery_codes"].GetArray()) {
    tf.recovery_codes.push_back(c.IsString() ? c.GetString() : "");
  }
  return tf;
}

}  // namespace itest
