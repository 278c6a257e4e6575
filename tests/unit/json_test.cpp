// Request-body parsing: each malformed body gets its SPEC error code.
#include "crud/json.h"

#include <gtest/gtest.h>

#include "crud/errors.h"

using namespace crud;

// Test types stay local: another test file may define its own with the same name.
namespace {

struct BodyCase {
  std::string body;
  ErrorCode expected;
  const char* reason;
};

static ErrorCode error_of(const std::string& body) {
  try {
    JsonBody b(body, {"username", "password"});
    b.string("username");
    b.string("password");
  } catch (const ApiError& e) {
    return e.code();
  }
  ADD_FAILURE() << "no error for " << body;
  return ErrorCode::internal_error;
}

TEST(JsonBody, RejectsBadBodies) {
  const BodyCase cases[] = {
      {"{", ErrorCode::invalid_json, "truncated"},
      {"{\"username\":\"a\",}", ErrorCode::invalid_json, "trailing comma"},
      {"{} {}", ErrorCode::invalid_json, "two documents"},
      {"{\"username\":\"\xff\"}", ErrorCode::invalid_json, "invalid UTF-8"},
      {"{\"username\":NaN}", ErrorCode::invalid_json, "NaN"},
      {"[]", ErrorCode::body_not_object, "array"},
      {"\"text\"", ErrorCode::body_not_object, "string"},
      {"12", ErrorCode::body_not_object, "number"},
      {"null", ErrorCode::body_not_object, "null"},
      {"{\"password\":\"x\"}", ErrorCode::missing_field, "username missing"},
      {"{\"username\":1,\"password\":\"x\"}", ErrorCode::invalid_type, "number as username"},
      {"{\"username\":null,\"password\":\"x\"}", ErrorCode::invalid_type, "null as username"},
      {"{\"username\":[\"a\"],\"password\":\"x\"}", ErrorCode::invalid_type, "array as username"},
      {"{\"username\":\"a\",\"password\":\"x\",\"admin\":true}", ErrorCode::unknown_field,
       "extra field"},
      {"{\"usernme\":\"a\",\"password\":\"x\"}", ErrorCode::unknown_field, "typo"},
      {"{\"username\":\"a\",\"username\":\"b\",\"password\":\"x\"}", ErrorCode::duplicate_field,
       "same key twice"},
      {std::string(20000, '['), ErrorCode::invalid_json, "deep nesting does not crash"},
  };
  for (const auto& c : cases)
    EXPECT_EQ(error_name(error_of(c.body)), error_name(c.expected)) << c.reason;
}

TEST(JsonBody, ReadsFields) {
  JsonBody b(R"({"username":"bob","password":"p\u00e9ssword\u0000x"})", {"username", "password"});
  EXPECT_EQ(b.string("username"), "bob");
  EXPECT_EQ(b.string("password"), std::string("p\xc3\xa9ssword\0x", 11)) << "escapes and NUL kept";
  EXPECT_EQ(b.optional_string("missing"), std::nullopt);
}

TEST(JsonWriter, EscapesText) {
  JsonWriter w;
  w.begin_object()
      .field("name", "a\"b<\n")
      .field("n", std::int64_t{7})
      .key("x")
      .null()
      .end_object();
  EXPECT_EQ(w.str(), R"({"name":"a\"b<\n","n":7,"x":null})");
}

}  // namespace
