// Reading and writing user fixtures (see user_fixtures.h).
#include "crud/user_fixtures.h"

#include <rapidjson/document.h>

#include <set>

#include "crud/json.h"
#include "crud/text.h"
#include "crud/users.h"

namespace crud {

static std::string member_string(const rapidjson::Value& entry, const char* name,
                                 const std::string& where) {
  auto it = entry.FindMember(name);
  if (it == entry.MemberEnd()) return {};
  if (!it->value.IsString()) throw FixtureError(where + "." + name + " must be a string");
  return std::string(it->value.GetString(), it->value.GetStringLength());
}

static void reject(const std::string& where, const std::vector<ErrorDetail>& problems) {
  if (!problems.empty())
    throw FixtureError(where + "." + problems.front().field + ": " + problems.front().problem);
}

static NewUser parse_entry(const rapidjson::Value& entry, const std::string& where,
                           const PasswordHasher& hasher) {
  if (!entry.IsObject()) throw FixtureError(where + " must be an object");
  for (const auto& m : entry.GetObject()) {
    std::string_view key(m.name.GetString(), m.name.GetStringLength());
    if (key != "username" && key != "password" && key != "password_hash" && key != "role")
      throw FixtureError(where + ": unknown field \"" + std::string(key) + "\"");
  }
  NewUser user;
  user.username = member_string(entry, "username", where);
  reject(where, username_problems(user.username));
  std::string password = member_string(entry, "password", where);
  user.password_hash = member_string(entry, "password_hash", where);
  if (password.empty() == user.password_hash.empty())
    throw FixtureError(where + ": give exactly one of password and password_hash");
  if (!password.empty()) {
    reject(where, password_problems(password, user.username));
    user.password_hash = hasher.hash(password);
  } else if (!starts_with(user.password_hash, "$argon2id$")) {
    throw FixtureError(where + ".password_hash must be an argon2id hash ($argon2id$...)");
  }
  std::string role = member_string(entry, "role", where);
  if (!role.empty()) user.role = role;
  if (user.role != "user" && user.role != "admin")
    throw FixtureError(where + ".role must be \"user\" or \"admin\"");
  return user;
}

std::vector<NewUser> parse_user_fixtures(const std::string& json, const PasswordHasher& hasher) {
  rapidjson::Document doc;
  doc.Parse<rapidjson::kParseValidateEncodingFlag>(json.data(), json.size());
  if (doc.HasParseError()) throw FixtureError("not valid UTF-8 JSON");
  if (!doc.IsObject() || doc.MemberCount() != 1 || !doc.HasMember("users") ||
      !doc["users"].IsArray())
    throw FixtureError("expected {\"users\": [...]}");
  std::vector<NewUser> users;
  std::set<std::string> names;  // lower-cased: a clash inside the file is caught up front
  const auto& entries = doc["users"].GetArray();
  for (rapidjson::SizeType i = 0; i < entries.Size(); ++i) {
    std::string where = "users[" + std::to_string(i) + "]";
    users.push_back(parse_entry(entries[i], where, hasher));
    if (!names.insert(ascii_lower(users.back().username)).second)
      throw FixtureError(where + ".username: taken (twice in the file, in any letter case)");
  }
  return users;
}

std::string export_user_fixtures(UserStore& users, AuthStore& auth) {
  JsonWriter w;
  w.begin_object().key("users").begin_array();
  std::int64_t after = 0;
  for (;;) {
    auto page = users.list_after(after, 100);
    if (page.empty()) break;
    for (const auto& u : page) {
      auto credentials = auth.credentials_by_id(u.id);
      if (!credentials) continue;  // deleted since the page was read
      w.begin_object()
          .field("username", u.username)
          .field("password_hash", credentials->password_hash)
          .field("role", credentials->role)
          .end_object();
    }
    after = page.back().id;
  }
  w.end_array().end_object();
  return w.str();
}

}  // namespace crud
