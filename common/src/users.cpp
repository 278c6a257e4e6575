// Username and password rules, ETags and the JSON shape of a user.
#include "crud/users.h"

#include "crud/common_passwords.h"
#include "crud/json.h"
#include "crud/text.h"

namespace crud {

constexpr std::size_t kUsernameMin = 3, kUsernameMax = 32;
constexpr std::size_t kPasswordMin = 8, kPasswordMax = 128;

static bool username_char(char ch) {
  return (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9') ||
         ch == '_' || ch == '.' || ch == '-';
}

std::vector<ErrorDetail> username_problems(std::string_view username) {
  std::vector<ErrorDetail> problems;
  for (char ch : username) {
    if (!username_char(ch)) {
      problems.push_back({"username", "invalid_characters"});
      break;
    }
  }
  // Count code points so "ééé" is 3 characters, not 6 bytes.
  std::size_t length = count_code_points(username);
  if (length < kUsernameMin) problems.push_back({"username", "too_short"});
  if (length > kUsernameMax) problems.push_back({"username", "too_long"});
  return problems;
}

std::vector<ErrorDetail> password_problems(std::string_view password, std::string_view username) {
  std::vector<ErrorDetail> problems;
  std::size_t length = count_code_points(password);
  if (length < kPasswordMin) problems.push_back({"password", "too_short"});
  if (length > kPasswordMax) problems.push_back({"password", "too_long"});
  if (!username.empty() && iequals(password, username))
    problems.push_back({"password", "equals_username"});
  // Only checked for an otherwise acceptable password: one problem is enough.
  if (problems.empty() && is_common_password(password))
    problems.push_back({"password", "too_common"});
  return problems;
}

std::string etag_for_version(std::int64_t version) {
  return "\"v" + std::to_string(version) + "\"";
}

std::string etag_of(const User& user) { return etag_for_version(user.version); }

// Splits a comma-separated list of entity tags, trimming blanks.
static std::vector<std::string_view> entity_tags(std::string_view header) {
  std::vector<std::string_view> tags;
  while (!header.empty()) {
    auto comma = header.find(',');
    std::string_view tag = header.substr(0, comma);
    header = comma == std::string_view::npos ? std::string_view() : header.substr(comma + 1);
    while (!tag.empty() && (tag.front() == ' ' || tag.front() == '\t')) tag.remove_prefix(1);
    while (!tag.empty() && (tag.back() == ' ' || tag.back() == '\t')) tag.remove_suffix(1);
    if (!tag.empty()) tags.push_back(tag);
  }
  return tags;
}

IfMatch parse_if_match(std::string_view header) {
  IfMatch result;
  for (auto tag : entity_tags(header)) {
    if (tag == "*") {
      result.any = true;
      continue;
    }
    // If-Match uses strong comparison: weak tags (W/"...") never match.
    if (tag.size() < 4 || tag.substr(0, 2) != "\"v" || tag.back() != '"') continue;
    if (auto v = parse_decimal(tag.substr(2, tag.size() - 3))) result.versions.push_back(*v);
  }
  return result;
}

bool if_none_match_hits(std::string_view header, const std::string& etag) {
  for (auto tag : entity_tags(header)) {
    if (tag == "*") return true;
    if (starts_with(tag, "W/")) tag.remove_prefix(2);
    if (tag == etag) return true;
  }
  return false;
}

void write_user(JsonWriter& w, const User& user) {
  w.begin_object()
      .field("user_id", user.id)
      .field("username", user.username)
      .field("created_at", user.created_at)
      .field("updated_at", user.updated_at)
      .end_object();
}

}  // namespace crud
