// The error contract shared by every endpoint: body parsing (400s), media
// type (415), body size (413), methods (405 + Allow), unknown paths and odd
// ids (404, never 500) — each answered with the one JSON error envelope,
// whether the handler or nginx itself refuses the request.
#include <gtest/gtest.h>

#include <algorithm>
#include <set>
#include <sstream>
#include <string>

#include "support/http_client.h"
#include "support/json_checks.h"
#include "support/param_name.h"
#include "support/test_data.h"

namespace itest {
namespace {

// A request that must be refused; details are checked exactly when given.
struct BadBody {
  const char* reason;
  std::string body;
  int status;
  const char* code;
  Details details;
};

const std::string kPw = "\"correct-horse-staple\"";

// 8000 nested arrays (about 16 KB): parsing must not exhaust the stack.
std::string deeply_nested_username() {
  return "{\"password\":" + kPw + ",\"username\":" + std::string(8000, '[') +
         std::string(8000, ']') + "}";
}

const BadBody kBadRegisterBodies[] = {
    {"empty_body", "", 400, "missing_body", {}},
    {"truncated_object", R"({"username":"abc","password":)", 400, "invalid_json", {}},
    {"trailing_comma",
     R"({"username":"abc","password":"correct-horse-1",})",
     400,
     "invalid_json",
     {}},
    {"single_quotes", R"({'username':'abc'})", 400, "invalid_json", {}},
    {"trailing_garbage",
     R"({"username":"abc","password":"correct-horse-1"} x)",
     400,
     "invalid_json",
     {}},
    {"two_objects", R"({"username":"abc"}{"password":"correct-horse-1"})", 400, "invalid_json", {}},
    {"invalid_utf8_byte",
     "{\"username\":\"ab\xff"
     "c\",\"password\":" +
         kPw + "}",
     400,
     "invalid_json",
     {}},
    {"overlong_utf8",
     "{\"username\":\"ab\xc0\xaf"
     "c\",\"password\":" +
         kPw + "}",
     400,
     "invalid_json",
     {}},
    {"truncated_utf8",
     "{\"username\":\"abc\",\"password\":\"correct-horse\xe2\x82\"}",
     400,
     "invalid_json",
     {}},
    {"array_body", R"([{"username":"abc"}])", 400, "body_not_object", {}},
    {"string_body", R"("username")", 400, "body_not_object", {}},
    {"number_body", "42", 400, "body_not_object", {}},
    {"null_body", "null", 400, "body_not_object", {}},
    {"true_body", "true", 400, "body_not_object", {}},
    {"missing_username",
     "{\"password\":" + kPw + "}",
     400,
     "missing_field",
     {{"username", "missing"}}},
    {"missing_password",
     R"({"username":"someone"})",
     400,
     "missing_field",
     {{"password", "missing"}}},
    {"username_number",
     "{\"username\":1,\"password\":" + kPw + "}",
     400,
     "invalid_type",
     {{"username", "must_be_string"}}},
    {"username_null",
     "{\"username\":null,\"password\":" + kPw + "}",
     400,
     "invalid_type",
     {{"username", "must_be_string"}}},
    {"username_array",
     "{\"username\":[\"abc\"],\"password\":" + kPw + "}",
     400,
     "invalid_type",
     {{"username", "must_be_string"}}},
    {"username_object",
     "{\"username\":{\"v\":\"abc\"},\"password\":" + kPw + "}",
     400,
     "invalid_type",
     {{"username", "must_be_string"}}},
    {"username_deeply_nested_arrays",
     deeply_nested_username(),
     400,
     "invalid_type",
     {{"username", "must_be_string"}}},
    {"username_bool",
     "{\"username\":true,\"password\":" + kPw + "}",
     400,
     "invalid_type",
     {{"username", "must_be_string"}}},
    {"password_number",
     R"({"username":"someone","password":12345678})",
     400,
     "invalid_type",
     {{"password", "must_be_string"}}},
    {"unknown_field",
     "{\"username\":\"someone\",\"password\":" + kPw + ",\"email\":\"a@b.c\"}",
     400,
     "unknown_field",
     {{"email", "unknown"}}},
    {"unknown_field_typo",
     "{\"usernme\":\"someone\",\"username\":\"x1y\",\"password\":" + kPw + "}",
     400,
     "unknown_field",
     {{"usernme", "unknown"}}},
    {"duplicate_username",
     "{\"username\":\"abc\",\"username\":\"def\",\"password\":" + kPw + "}",
     400,
     "duplicate_field",
     {}},
};

class RegisterRejectsBody : public testing::TestWithParam<BadBody> {};

TEST_P(RegisterRejectsBody, ReturnsErrorEnvelope) {
  const auto& row = GetParam();
  const auto r = request("POST", "/api/register", row.body);
  EXPECT_TRUE(IsApiError(r, row.status, row.code)) << row.reason;
  if (!row.details.empty()) {
    EXPECT_TRUE(HasDetails(r, row.details)) << row.reason;
  }
}

INSTANTIATE_TEST_SUITE_P(Bodies, RegisterRejectsBody, testing::ValuesIn(kBadRegisterBodies),
                         ReasonName());

// Content types a JSON write must refuse with 415.
struct MediaType {
  const char* reason;
  const char* content_type;  // "" sends no Content-Type header at all
};

const MediaType kRefusedTypes[] = {
    {"text_plain", "text/plain"},
    {"form", "application/x-www-form-urlencoded"},
    {"multipart", "multipart/form-data; boundary=x"},
    {"json_lookalike", "application/jsonx"},
    {"text_json", "text/json"},
    {"latin1_charset", "application/json; charset=iso-8859-1"},
    {"no_content_type", ""},
};

class WriteRefusesMediaType : public testing::TestWithParam<MediaType> {};

TEST_P(WriteRefusesMediaType, RegisterIs415) {
  const std::string name = unique_username("Media");
  const auto r = request("POST", "/api/register", credentials_body(name, strong_password()),
                         {{"Content-Type", GetParam().content_type}});
  EXPECT_TRUE(IsApiError(r, 415, "unsupported_media_type")) << GetParam().reason;
  EXPECT_FALSE(find_in_list(0, name).has_value()) << "a refused write stored a user";
}

TEST_P(WriteRefusesMediaType, UpdateIs415) {
  const auto user = create_user();
  const auto r =
      request("PUT", "/api/users/" + std::to_string(user.id),
              username_body(unique_username("Media")), {{"Content-Type", GetParam().content_type}});
  EXPECT_TRUE(IsApiError(r, 415, "unsupported_media_type")) << GetParam().reason;
}

INSTANTIATE_TEST_SUITE_P(Types, WriteRefusesMediaType, testing::ValuesIn(kRefusedTypes),
                         ReasonName());

const MediaType kAcceptedTypes[] = {
    {"plain", "application/json"},
    {"with_charset", "application/json; charset=utf-8"},
    {"no_space", "application/json;charset=utf-8"},
    {"upper_case", "Application/JSON; Charset=UTF-8"},
};

class WriteAcceptsMediaType : public testing::TestWithParam<MediaType> {};

TEST_P(WriteAcceptsMediaType, RegisterIs201) {
  const auto r = request("POST", "/api/register",
                         credentials_body(unique_username("Media"), strong_password()),
                         {{"Content-Type", GetParam().content_type}});
  EXPECT_TRUE(IsJsonResponse(r, 201)) << GetParam().reason;
}

INSTANTIATE_TEST_SUITE_P(Types, WriteAcceptsMediaType, testing::ValuesIn(kAcceptedTypes),
                         ReasonName());

// {"username":"x","password":"ppp..."} padded to exactly `size` bytes.
std::string body_of_size(size_t size) {
  const std::string head = R"({"username":"x","password":")";
  const std::string tail = R"("})";
  return head + std::string(size - head.size() - tail.size(), 'p') + tail;
}

TEST(BodySize, Over16KiBIs413) {
  const auto body = body_of_size(16385);
  ASSERT_EQ(body.size(), 16385u);
  EXPECT_TRUE(IsApiError(request("POST", "/api/register", body), 413, "payload_too_large"));
  EXPECT_TRUE(IsApiError(request("POST", "/api/users", body), 413, "payload_too_large"));
  const auto user = create_user();
  EXPECT_TRUE(IsApiError(request("PUT", "/api/users/" + std::to_string(user.id), body), 413,
                         "payload_too_large"));
}

TEST(BodySize, FarOver16KiBIs413) {
  EXPECT_TRUE(IsApiError(request("POST", "/api/register", body_of_size(1 << 20)), 413,
                         "payload_too_large"));
}

TEST(BodySize, Exactly16KiBIsReadAndValidated) {
  const auto body = body_of_size(16384);
  ASSERT_EQ(body.size(), 16384u);
  // Not 413: the body is parsed, and its values break the rules.
  const auto r = request("POST", "/api/register", body);
  EXPECT_TRUE(IsApiError(r, 422, "validation_failed"));
  EXPECT_TRUE(HasDetails(r, {{"username", "too_short"}, {"password", "too_long"}}));
}

// A path that exists with a method it does not serve.
struct WrongMethod {
  const char* reason;
  const char* method;
  const char* path;  // "{id}" is replaced by an existing user's id
  const char* allow;
};

const WrongMethod kWrongMethods[] = {
    {"delete_collection", "DELETE", "/api/users", "GET, HEAD, POST"},
    {"put_collection", "PUT", "/api/users", "GET, HEAD, POST"},
    {"patch_collection", "PATCH", "/api/users", "GET, HEAD, POST"},
    {"post_one_user", "POST", "/api/users/{id}", "GET, HEAD, PUT, DELETE"},
    {"patch_one_user", "PATCH", "/api/users/{id}", "GET, HEAD, PUT, DELETE"},
    {"get_register", "GET", "/api/register", "POST"},
    {"put_register", "PUT", "/api/register", "POST"},
    {"delete_register", "DELETE", "/api/register", "POST"},
    {"post_healthz", "POST", "/healthz", "GET, HEAD"},
    {"delete_readyz", "DELETE", "/readyz", "GET, HEAD"},
    {"put_readyz", "PUT", "/readyz", "GET, HEAD"},
};

std::set<std::string> method_set(const std::string& allow) {
  std::set<std::string> methods;
  std::stringstream in(allow);
  std::string token;
  while (std::getline(in, token, ',')) {
    token.erase(0, token.find_first_not_of(' '));
    token.erase(token.find_last_not_of(' ') + 1);
    methods.insert(token);
  }
  return methods;
}

class WrongMethodIs405 : public testing::TestWithParam<WrongMethod> {
 protected:
  static void SetUpTestSuite() { existing_id_ = create_user().id; }
  static inline std::int64_t existing_id_ = 0;
};

TEST_P(WrongMethodIs405, WithAllowHeader) {
  const auto& row = GetParam();
  std::string path = row.path;
  if (const auto at = path.find("{id}"); at != std::string::npos) {
    path.replace(at, 4, std::to_string(existing_id_));
  }
  const auto r = request(row.method, path);
  EXPECT_TRUE(IsApiError(r, 405, "method_not_allowed")) << row.reason;
  const auto allow = r.header_values("Allow");
  ASSERT_EQ(allow.size(), 1u) << r.describe();
  // Order in Allow carries no meaning; the set of methods does.
  EXPECT_EQ(method_set(allow[0]), method_set(row.allow)) << "Allow: " << allow[0];
}

INSTANTIATE_TEST_SUITE_P(Methods, WrongMethodIs405, testing::ValuesIn(kWrongMethods), ReasonName());

struct UnknownPath {
  const char* reason;
  const char* method;
  const char* path;
};

const UnknownPath kUnknownPaths[] = {
    {"api_nope", "GET", "/api/nope"},
    {"api_nope_post", "POST", "/api/nope"},
    {"below_one_user", "GET", "/api/users/1/extra"},
    {"below_one_user_put", "PUT", "/api/users/1/extra"},
    {"register_suffix", "POST", "/api/registerx"},
    {"users_prefix", "GET", "/api/usersx"},
    {"api_root", "GET", "/api"},
};

class UnknownPathIs404 : public testing::TestWithParam<UnknownPath> {};

TEST_P(UnknownPathIs404, WithErrorEnvelope) {
  const auto& row = GetParam();
  const bool writes = std::string(row.method) == "POST" || std::string(row.method) == "PUT";
  const auto r = writes ? request(row.method, row.path, std::string(R"({"username":"abc"})"))
                        : request(row.method, row.path);
  EXPECT_TRUE(IsApiError(r, 404, "not_found")) << row.reason;
}

INSTANTIATE_TEST_SUITE_P(Paths, UnknownPathIs404, testing::ValuesIn(kUnknownPaths), ReasonName());

// Ids that cannot name a user: 404 for every method, never 400 or 500.
struct OddId {
  const char* reason;
  const char* id;
};

const OddId kOddIds[] = {
    {"letters", "abc"},
    {"zero", "0"},
    {"negative", "-1"},
    {"int64_max_plus_one", "9223372036854775808"},
    {"twenty_digits", "99999999999999999999"},
    {"fraction", "1.5"},
    {"encoded_space", "%20"},
    {"exponent", "1e3"},
    {"hex", "0x10"},
    {"int64_max_unknown", "9223372036854775807"},
};

class OddIdIs404 : public testing::TestWithParam<OddId> {};

TEST_P(OddIdIs404, ForGet) {
  const auto r = request("GET", std::string("/api/users/") + GetParam().id);
  EXPECT_TRUE(IsApiError(r, 404, "not_found")) << GetParam().reason;
}

TEST_P(OddIdIs404, ForPut) {
  const auto r = request("PUT", std::string("/api/users/") + GetParam().id,
                         username_body(unique_username("Odd")));
  EXPECT_TRUE(IsApiError(r, 404, "not_found")) << GetParam().reason;
}

TEST_P(OddIdIs404, ForDelete) {
  const auto r = request("DELETE", std::string("/api/users/") + GetParam().id);
  EXPECT_TRUE(IsApiError(r, 404, "not_found")) << GetParam().reason;
}

INSTANTIATE_TEST_SUITE_P(Ids, OddIdIs404, testing::ValuesIn(kOddIds), ReasonName());

TEST(ErrorEnvelope, RequestIdsDifferPerRequest) {
  const auto a = request("GET", "/api/nope");
  const auto b = request("GET", "/api/nope");
  ASSERT_TRUE(IsApiError(a, 404, "not_found"));
  ASSERT_TRUE(IsApiError(b, 404, "not_found"));
  EXPECT_NE(a.header("X-Request-ID"), b.header("X-Request-ID"));
}

}  // namespace
}  // namespace itest
