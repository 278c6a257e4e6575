// The user resource: its fields, the SPEC's rules for usernames and
// passwords, and its ETag.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "crud/errors.h"

namespace crud {

struct User {
  std::int64_t id = 0;
  std::string username;
  std::string role;          // "user" or "admin"
  std::int64_t version = 0;  // bumped by every change; the ETag is made from it
  std::string created_at;    // RFC 3339 UTC, e.g. 2024-01-01T12:00:00Z
  std::string updated_at;
};

// What is wrong with a username (empty when it follows the rules).
std::vector<ErrorDetail> username_problems(std::string_view username);
// What is wrong with a password chosen by `username` (empty when acceptable):
// length in code points, equal to the username, or a common password.
std::vector<ErrorDetail> password_problems(std::string_view password, std::string_view username);

// The strong entity tag of a user's current representation, quoted.
std::string etag_of(const User& user);
std::string etag_for_version(std::int64_t version);
// The versions an If-Match header accepts; an empty list matches nothing.
// `any` is true for "*".
struct IfMatch {
  bool any = false;
  std::vector<std::int64_t> versions;
};
IfMatch parse_if_match(std::string_view header);
// True when an If-None-Match header names `etag` (weak comparison) or is "*".
bool if_none_match_hits(std::string_view header, const std::string& etag);

class JsonWriter;
// Writes the JSON object the API shows for a user (read one, list).
void write_user(JsonWriter& w, const User& user);

}  // namespace crud
