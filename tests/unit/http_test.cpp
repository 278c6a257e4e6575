// Path ids, query strings, content types and the error body shape.
#include "crud/http.h"

#include <gtest/gtest.h>
#include <rapidjson/document.h>

using namespace crud;

// Test types stay local: another test file may define its own with the same name.
namespace {

static Request request_with(std::vector<std::string> params, std::string path = "",
                            std::string body = "") {
  static std::vector<std::vector<std::string>> keep;  // params must outlive the Request
  keep.push_back(std::move(params));
  static std::vector<std::vector<char*>> pointers;
  pointers.emplace_back();
  for (auto& p : keep.back()) pointers.back().push_back(p.data());
  pointers.back().push_back(nullptr);
  Request r;
  r.params = pointers.back().data();
  r.path = std::move(path);
  r.body = std::move(body);
  return r;
}

struct IdCase {
  const char* path;
  std::optional<std::int64_t> id;
  const char* reason;
};

TEST(UserIdFromPath, Table) {
  const IdCase cases[] = {
      {"/api/users/1", 1, "smallest id"},
      {"/api/users/9223372036854775807", INT64_MAX, "largest id"},
      {"/api/users/0", std::nullopt, "zero"},
      {"/api/users/-1", std::nullopt, "negative"},
      {"/api/users/abc", std::nullopt, "letters"},
      {"/api/users/9223372036854775808", std::nullopt, "beyond int64"},
      {"/api/users/01", std::nullopt, "leading zero"},
      {"/api/users/1.0", std::nullopt, "fraction"},
      {"/api/users/", std::nullopt, "no id"},
      {"/api/other/1", std::nullopt, "other collection"},
  };
  for (const auto& c : cases) {
    Request r = request_with({}, c.path);
    if (c.id) {
      EXPECT_EQ(user_id_from_path(r), *c.id) << c.reason;
    } else {
      try {
        user_id_from_path(r);
        ADD_FAILURE() << "accepted: " << c.reason;
      } catch (const ApiError& e) {
        EXPECT_EQ(e.code(), ErrorCode::not_found) << c.reason;
      }
    }
  }
  EXPECT_EQ(user_id_from_path(request_with({}, "/api/users/5/password"), "/password"), 5);
}

TEST(ParseQuery, DecodesPairs) {
  auto q = parse_query("limit=20&after=3&name=a+b%21&flag");
  ASSERT_EQ(q.size(), 4u);
  EXPECT_EQ(q[0], (std::pair<std::string, std::string>{"limit", "20"}));
  EXPECT_EQ(q[2], (std::pair<std::string, std::string>{"name", "a b!"}));
  EXPECT_EQ(q[3], (std::pair<std::string, std::string>{"flag", ""}));
  EXPECT_THROW(parse_query("limit=%zz"), ApiError);
}

struct TypeCase {
  const char* content_type;
  bool accepted;
  const char* reason;
};

TEST(RequireJsonBody, ContentTypes) {
  const TypeCase cases[] = {
      {"application/json", true, "plain"},
      {"application/json; charset=utf-8", true, "with charset"},
      {"Application/JSON;charset=UTF-8", true, "any case, no space"},
      {"application/json; charset=latin1", false, "other charset"},
      {"text/plain", false, "text"},
      {"application/x-www-form-urlencoded", false, "form"},
      {"application/jsonp", false, "prefix only"},
      {"", false, "missing"},
  };
  for (const auto& c : cases) {
    std::string param = std::string("CONTENT_TYPE=") + c.content_type;
    Request r = request_with({param}, "/api/register", "{}");
    if (c.accepted) {
      EXPECT_NO_THROW(require_json_body(r)) << c.reason;
    } else {
      try {
        require_json_body(r);
        ADD_FAILURE() << "accepted: " << c.reason;
      } catch (const ApiError& e) {
        EXPECT_EQ(e.code(), ErrorCode::unsupported_media_type) << c.reason;
      }
    }
  }
}

TEST(ErrorBody, HasTheSpecShape) {
  std::string body = error_body(ErrorCode::username_taken, {{"username", "taken"}}, "abc123");
  rapidjson::Document d;
  d.Parse(body.c_str());
  ASSERT_TRUE(d.IsObject());
  const auto& e = d["error"];
  EXPECT_STREQ(e["code"].GetString(), "username_taken");
  EXPECT_STREQ(e["message"].GetString(), "That username is already registered.");
  EXPECT_STREQ(e["details"][0]["field"].GetString(), "username");
  EXPECT_STREQ(e["details"][0]["problem"].GetString(), "taken");
  EXPECT_STREQ(e["request_id"].GetString(), "abc123");
  EXPECT_EQ(error_status(ErrorCode::username_taken), 409);
}

TEST(RequestHeader, MapsNamesToCgiParams) {
  Request r = request_with({"HTTP_IF_MATCH=\"v1\"", "HTTP_X_REQUEST_ID=abc"});
  EXPECT_EQ(r.header("If-Match"), "\"v1\"");
  EXPECT_EQ(r.header("x-request-id"), "abc");
  EXPECT_EQ(r.header("If-None-Match"), "");
}

}  // namespace
