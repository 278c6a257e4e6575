// Data each test owns: usernames unique to this run, passwords that pass every
// rule (also the later common-password list), JSON bodies, and setup helpers
// that throw (failing the calling test) when the stack refuses them.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

namespace itest {

// 10 random characters of [a-z0-9], different on every call.
std::string unique_suffix();
// prefix + "_" + unique_suffix(); keep prefix <= 21 characters so it fits 32.
std::string unique_username(const std::string& prefix = "u");
// "correct-horse-" + unique_suffix(): 8..128 code points, not common.
std::string strong_password();
// `count` copies of `piece`.
std::string repeat(const std::string& piece, size_t count);

// `text` as a JSON string literal (quotes and escapes added; UTF-8 kept).
std::string json_quote(const std::string& text);
// {"username": ..., "password": ...}
std::string credentials_body(const std::string& username, const std::string& password);
// {"username": ...}
std::string username_body(const std::string& username);

struct CreatedUser {
  std::int64_t id = 0;
  std::string username;
  std::string password;
};

// Registers `username` (a fresh name when empty) via an anonymous POST /api/register.
// Throws std::runtime_error with the response unless it is 201 with a user_id.
CreatedUser create_user(const std::string& username = "");

// The strong ETag of GET /api/users/{id} (read as the admin); throws unless 200.
std::string current_etag(std::int64_t id);

// Walks GET /api/users from after=`after` to the end (following "next") and
// returns the id of the user whose name equals `username` ignoring case.
std::optional<std::int64_t> find_in_list(std::int64_t after, const std::string& username);

}  // namespace itest
