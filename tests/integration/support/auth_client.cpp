// Login, tokens and cookies for the tests (see auth_client.h).
#include "support/auth_client.h"

#include <cctype>
#include <set>
#include <stdexcept>

#include "support/json_checks.h"

namespace itest {
namespace {

std::string trim(const std::string& s) {
  const auto first = s.find_first_not_of(" \t");
  if (first == std::string::npos) return {};
  return s.substr(first, s.find_last_not_of(" \t") - first + 1);
}

std::string lower(std::string s) {
  for (auto& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

SetCookie parse_set_cookie(const std::string& header) {
  SetCookie cookie;
  size_t start = 0;
  bool first = true;
  while (start <= header.size()) {
    auto stop = header.find(';', start);
    if (stop == std::string::npos) stop = header.size();
    const std::string part = trim(header.substr(start, stop - start));
    const auto eq = part.find('=');
    const std::string key = trim(part.substr(0, eq));
    const std::string value = eq == std::string::npos ? "" : trim(part.substr(eq + 1));
    if (first) {
      cookie.name = key;
      cookie.value = value;
      first = false;
    } else if (!key.empty()) {
      cookie.attributes[lower(key)] = value;
    }
    start = stop + 1;
  }
  return cookie;
}

}  // namespace

HeaderList anonymous(HeaderList extra) {
  extra.emplace_back("Authorization", "");
  return extra;
}

HeaderList bearer(const std::string& token, HeaderList extra) {
  extra.emplace_back("Authorization", "Bearer " + token);
  return extra;
}

HeaderList session_cookie(const std::string& session, const std::string& csrf, HeaderList extra) {
  extra.emplace_back("Cookie", std::string(kSessionCookie) + "=" + session);
  if (!csrf.empty()) extra.emplace_back("X-CSRF-Token", csrf);
  return extra;
}

std::string login_body(const std::string& username, const std::string& password,
                       const std::string& extra_members) {
  std::string body = credentials_body(username, password);
  if (!extra_members.empty()) body.insert(body.size() - 1, "," + extra_members);
  return body;
}

Response login(const std::string& username, const std::string& password,
               const std::string& extra_members) {
  return request("POST", "/api/login", login_body(username, password, extra_members), anonymous());
}

Tokens login_ok(const CreatedUser& user, bool session) {
  const auto r = login(user.username, user.password, session ? R"("session":true)" : "");
  if (r.status != 200) throw std::runtime_error("setup: login failed\n" + r.describe());
  return tokens_of(r);
}

Response refresh(const std::string& refresh_token) {
  return request("POST", "/api/token/refresh",
                 "{\"refresh_token\":" + json_quote(refresh_token) + "}", anonymous());
}

Tokens tokens_of(const Response& r) {
  const auto doc = parse_json(r.body);
  Tokens tokens;
  tokens.access_token = string_member(doc, "access_token");
  tokens.refresh_token = string_member(doc, "refresh_token");
  tokens.csrf_token = string_member(doc, "csrf_token");
  if (const auto cookie = find_set_cookie(r, kSessionCookie)) tokens.session = cookie->value;
  return tokens;
}

std::optional<SetCookie> find_set_cookie(const Response& r, const std::string& name) {
  std::optional<SetCookie> found;
  for (const auto& header : r.header_values("Set-Cookie")) {
    auto cookie = parse_set_cookie(header);
    if (cookie.name != name) continue;
    if (found) return std::nullopt;  // two values for one cookie: ambiguous
    found = std::move(cookie);
  }
  return found;
}

testing::AssertionResult IsTokenPair(const Response& r, bool with_session) {
  if (auto json = IsJsonResponse(r, 200); !json) return json;
  const auto doc = parse_json(r.body);
  std::set<std::string> want = {"access_token", "token_type", "expires_in", "refresh_token"};
  if (with_session) want.insert("csrf_token");
  std::set<std::string> got;
  if (doc.IsObject()) {
    for (auto it = doc.MemberBegin(); it != doc.MemberEnd(); ++it) got.insert(it->name.GetString());
  }
  auto fail = [&](const char* why) {
    return testing::AssertionFailure() << why << "\n" << r.describe();
  };
  if (got != want) return fail("want exactly the token pair's members");
  if (string_member(doc, "token_type") != "Bearer") return fail("token_type is not \"Bearer\"");
  if (int64_member(doc, "expires_in") != 900) return fail("expires_in is not 900");
  for (const auto& key : want) {
    if (key != "expires_in" && string_member(doc, key.c_str()).empty()) {
      return fail("a token member is not a non-empty string");
    }
  }
  if (with_session) {
    const auto cookie = find_set_cookie(r, kSessionCookie);
    if (!cookie || cookie->value.empty()) return fail("want one Set-Cookie with a session id");
  }
  return testing::AssertionSuccess();
}

Account create_account(const std::string& prefix, bool session) {
  Account account;
  account.user = create_user(unique_username(prefix));
  account.tokens = login_ok(account.user, session);
  return account;
}

}  // namespace itest
