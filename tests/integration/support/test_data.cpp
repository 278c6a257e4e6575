// Test data and setup helpers (see test_data.h).
#include "support/test_data.h"

#include <unistd.h>

#include <cctype>
#include <chrono>
#include <cstdio>
#include <mutex>
#include <random>
#include <stdexcept>

#include "support/auth_client.h"
#include "support/http_client.h"
#include "support/json_checks.h"

namespace itest {

std::string unique_suffix() {
  static std::mutex mutex;
  static std::mt19937_64 random([] {
    std::random_device device;
    const auto now = std::chrono::steady_clock::now().time_since_epoch().count();
    return (static_cast<std::uint64_t>(device()) << 32) ^ static_cast<std::uint64_t>(now) ^
           static_cast<std::uint64_t>(getpid());
  }());
  static const char alphabet[] = "abcdefghijklmnopqrstuvwxyz0123456789";
  std::lock_guard<std::mutex> lock(mutex);
  std::string suffix;
  for (int i = 0; i < 10; ++i) suffix += alphabet[random() % (sizeof(alphabet) - 1)];
  return suffix;
}

std::string unique_username(const std::string& prefix) { return prefix + "_" + unique_suffix(); }

std::string strong_password() { return "correct-horse-" + unique_suffix(); }

std::string repeat(const std::string& piece, size_t count) {
  std::string out;
  for (size_t i = 0; i < count; ++i) out += piece;
  return out;
}

std::string json_quote(const std::string& text) {
  std::string out = "\"";
  for (const char c : text) {
    const auto byte = static_cast<unsigned char>(c);
    if (c == '"' || c == '\\') {
      out += '\\';
      out += c;
    } else if (byte < 0x20) {
      char escaped[8];
      std::snprintf(escaped, sizeof escaped, "\\u%04x", byte);
      out += escaped;
    } else {
      out += c;
    }
  }
  return out + "\"";
}

std::string credentials_body(const std::string& username, const std::string& password) {
  return "{\"username\":" + json_quote(username) + ",\"password\":" + json_quote(password) + "}";
}

std::string username_body(const std::string& username) {
  return "{\"username\":" + json_quote(username) + "}";
}

CreatedUser create_user(const std::string& username) {
  CreatedUser user;
  user.username = username.empty() ? unique_username("user") : username;
  user.password = strong_password();
  // Registering needs no credentials, as for any visitor.
  const auto r =
      request("POST", "/api/register", credentials_body(user.username, user.password), anonymous());
  const auto id = int64_member(parse_json(r.body), "user_id");
  if (r.status != 201 || !id) {
    throw std::runtime_error("setup: registering " + user.username + " failed\n" + r.describe());
  }
  user.id = *id;
  return user;
}

std::string current_etag(std::int64_t id) {
  const auto r = request("GET", "/api/users/" + std::to_string(id));
  const auto etag = r.header("ETag");
  if (r.status != 200 || !etag) {
    throw std::runtime_error("setup: reading user " + std::to_string(id) + " failed\n" +
                             r.describe());
  }
  return *etag;
}

std::optional<std::int64_t> find_in_list(std::int64_t after, const std::string& username) {
  std::string path = "/api/users?limit=100&after=" + std::to_string(after);
  for (int page = 0; page < 10000; ++page) {
    const auto r = request("GET", path);
    const auto doc = parse_json(r.body);
    if (r.status != 200 || !doc.IsObject() || !doc.HasMember("users") || !doc["users"].IsArray() ||
        !doc.HasMember("next")) {
      throw std::runtime_error("listing users failed\n" + r.describe());
    }
    for (const auto& user : doc["users"].GetArray()) {
      if (iequals(string_member(user, "username"), username)) return int64_member(user, "user_id");
    }
    if (doc["next"].IsNull()) return std::nullopt;
    if (!doc["next"].IsString()) throw std::runtime_error("next is neither string nor null");
    path = doc["next"].GetString();
  }
  throw std::runtime_error("listing users did not end after 10000 pages");
}

}  // namespace itest
