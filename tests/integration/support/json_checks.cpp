// Contract shape checks (see json_checks.h).
#include "support/json_checks.h"

#include <cctype>

namespace itest {

rapidjson::Document parse_json(const std::string& text) {
  rapidjson::Document doc;
  doc.Parse(text.c_str(), text.size());
  return doc;
}

std::string string_member(const rapidjson::Value& v, const char* key) {
  if (!v.IsObject()) return {};
  const auto it = v.FindMember(key);
  if (it == v.MemberEnd() || !it->value.IsString()) return {};
  return std::string(it->value.GetString(), it->value.GetStringLength());
}

std::optional<std::int64_t> int64_member(const rapidjson::Value& v, const char* key) {
  if (!v.IsObject()) return std::nullopt;
  const auto it = v.FindMember(key);
  if (it == v.MemberEnd() || !it->value.IsInt64()) return std::nullopt;
  return it->value.GetInt64();
}

bool is_rfc3339_utc(const std::string& s) {
  // Hand-rolled rather than std::regex: GCC 12 warns inside <regex> under the
  // sanitizer build, and -Werror turns that into a failure.
  static const char pattern[] = "dddd-dd-ddTdd:dd:ddZ";
  if (s.size() != sizeof(pattern) - 1) return false;
  for (size_t i = 0; i < s.size(); ++i) {
    const bool digit = std::isdigit(static_cast<unsigned char>(s[i])) != 0;
    if (pattern[i] == 'd' ? !digit : s[i] != pattern[i]) return false;
  }
  return true;
}

bool is_strong_etag(const std::string& s) {
  if (s.size() < 2 || s.front() != '"' || s.back() != '"') return false;
  for (size_t i = 1; i + 1 < s.size(); ++i) {
    const auto c = static_cast<unsigned char>(s[i]);
    if (c == '"' || c <= 0x20 || c == 0x7f) return false;
  }
  return true;
}

testing::AssertionResult HasCommonHeaders(const Response& r) {
  const auto ids = r.header_values("X-Request-ID");
  if (ids.size() != 1 || ids[0].empty()) {
    return testing::AssertionFailure() << "want exactly one non-empty X-Request-ID\n"
                                       << r.describe();
  }
  const auto nosniff = r.header("X-Content-Type-Options");
  if (!nosniff || !iequals(*nosniff, "nosniff")) {
    return testing::AssertionFailure() << "want X-Content-Type-Options: nosniff\n" << r.describe();
  }
  return testing::AssertionSuccess();
}

testing::AssertionResult IsJsonResponse(const Response& r, int status) {
  if (r.status != status) {
    return testing::AssertionFailure() << "want status " << status << "\n" << r.describe();
  }
  if (auto common = HasCommonHeaders(r); !common) return common;
  const auto type = r.header("Content-Type");
  if (!type || !iequals(*type, "application/json; charset=utf-8")) {
    return testing::AssertionFailure() << "want Content-Type: application/json; charset=utf-8\n"
                                       << r.describe();
  }
  const auto cache = r.header("Cache-Control");
  if (!cache || cache->find("no-store") == std::string::npos) {
    return testing::AssertionFailure() << "want Cache-Control: no-store\n" << r.describe();
  }
  if (r.method != "HEAD" && parse_json(r.body).HasParseError()) {
    return testing::AssertionFailure() << "body is not JSON\n" << r.describe();
  }
  return testing::AssertionSuccess();
}

testing::AssertionResult IsApiError(const Response& r, int status, const std::string& code) {
  if (auto json = IsJsonResponse(r, status); !json) return json;
  auto fail = [&](const char* why) {
    return testing::AssertionFailure() << why << " (want error code " << code << ")\n"
                                       << r.describe();
  };
  const auto doc = parse_json(r.body);
  if (!doc.IsObject() || doc.MemberCount() != 1 || !doc.HasMember("error") ||
      !doc["error"].IsObject()) {
    return fail("body is not {\"error\": {...}}");
  }
  const auto& error = doc["error"];
  for (auto it = error.MemberBegin(); it != error.MemberEnd(); ++it) {
    const std::string key = it->name.GetString();
    if (key != "code" && key != "message" && key != "details" && key != "request_id") {
      return fail("error has a member outside code/message/details/request_id");
    }
  }
  if (string_member(error, "code") != code) return fail("wrong error code");
  if (string_member(error, "message").empty()) return fail("error.message missing or empty");
  if (string_member(error, "request_id") != r.header("X-Request-ID").value_or("")) {
    return fail("error.request_id differs from the X-Request-ID header");
  }
  if (error.HasMember("details")) {
    const auto& details = error["details"];
    if (!details.IsArray()) return fail("error.details is not an array");
    for (const auto& d : details.GetArray()) {
      if (string_member(d, "field").empty() || string_member(d, "problem").empty()) {
        return fail("a detail lacks a string field or problem");
      }
    }
  }
  return testing::AssertionSuccess();
}

testing::AssertionResult IsApiErrorStatus(const Response& r, int status) {
  const auto doc = parse_json(r.body);
  std::string code;
  if (doc.IsObject() && doc.HasMember("error")) code = string_member(doc["error"], "code");
  if (code.empty()) {
    return testing::AssertionFailure() << "want an error body with a code\n" << r.describe();
  }
  return IsApiError(r, status, code);
}

testing::AssertionResult IsOpaqueServerError(const Response& r) {
  if (auto error = IsApiErrorStatus(r, r.status); !error) return error;
  // The table's messages are plain sentences: none of these belongs in one.
  static const char* const kInternals[] = {"sql",   "postgres", "libpq",  "pgres",
                                           "redis", "errno",    "socket", ".cpp",
                                           "std::", "/",        "fatal",  "exception"};
  std::string lower;
  for (char c : r.body) lower += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  for (const char* word : kInternals) {
    if (lower.find(word) != std::string::npos) {
      return testing::AssertionFailure() << "5xx body names \"" << word << "\"\n" << r.describe();
    }
  }
  return testing::AssertionSuccess();
}

namespace {

Details details_of(const Response& r) {
  const auto doc = parse_json(r.body);
  Details actual;
  if (doc.IsObject() && doc.HasMember("error") && doc["error"].IsObject() &&
      doc["error"].HasMember("details") && doc["error"]["details"].IsArray()) {
    for (const auto& d : doc["error"]["details"].GetArray()) {
      actual.emplace(string_member(d, "field"), string_member(d, "problem"));
    }
  }
  return actual;
}

}  // namespace

testing::AssertionResult HasOneDetailFor(const Response& r, const std::string& field) {
  const Details actual = details_of(r);
  if (actual.size() == 1 && actual.begin()->first == field) return testing::AssertionSuccess();
  return testing::AssertionFailure() << "want one detail for field " << field << "\n"
                                     << r.describe();
}

testing::AssertionResult HasDetails(const Response& r, const Details& expected) {
  const Details actual = details_of(r);
  if (actual == expected) return testing::AssertionSuccess();
  auto failure = testing::AssertionFailure() << "want details";
  for (const auto& [field, problem] : expected) failure << " {" << field << ", " << problem << "}";
  return failure << "\n" << r.describe();
}

testing::AssertionResult IsUserRepresentation(const rapidjson::Value& v) {
  auto fail = [&](const char* why) { return testing::AssertionFailure() << "user: " << why; };
  if (!v.IsObject()) return fail("not an object");
  if (v.MemberCount() != 4) return fail("want exactly user_id, username, created_at, updated_at");
  if (!v.HasMember("user_id") || !v["user_id"].IsInt64() || v["user_id"].GetInt64() <= 0) {
    return fail("user_id is not a positive integer");
  }
  if (!v.HasMember("username") || !v["username"].IsString()) return fail("username not a string");
  if (!is_rfc3339_utc(string_member(v, "created_at"))) return fail("created_at not RFC 3339 UTC");
  if (!is_rfc3339_utc(string_member(v, "updated_at"))) return fail("updated_at not RFC 3339 UTC");
  return testing::AssertionSuccess();
}

}  // namespace itest
