// Plain CGI mode: each handler executable, started once per request with the
// request in its environment and body on stdin (as Apache mod_cgi does), must
// answer with a CGI response on stdout, read exactly CONTENT_LENGTH bytes, and
// refuse to start without its required configuration (database and the
// authentication secrets, and the store module beside it).
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <string>
#include <tuple>
#include <vector>

#include "support/admin.h"
#include "support/auth_client.h"
#include "support/http_client.h"
#include "support/json_checks.h"
#include "support/param_name.h"
#include "support/process.h"
#include "support/stack_env.h"
#include "support/test_data.h"

namespace itest {
namespace {

const auto kTimeout = std::chrono::seconds(20);

struct CgiResponse {
  bool well_formed = false;  // a header block ended by an empty line
  std::string status_line;   // "201 Created"
  int status = 0;
  HeaderList headers;
  std::string body;
};

// Splits "Header: value\r\n...\r\n\r\nbody" as a CGI server would.
CgiResponse parse_cgi(const std::string& out) {
  CgiResponse r;
  const auto end = out.find("\r\n\r\n");
  if (end == std::string::npos) return r;
  r.well_formed = true;
  r.body = out.substr(end + 4);
  size_t start = 0;
  while (start < end) {
    auto stop = out.find("\r\n", start);
    if (stop == std::string::npos || stop > end) stop = end;
    const std::string line = out.substr(start, stop - start);
    const auto colon = line.find(':');
    if (colon != std::string::npos) {
      std::string value = line.substr(colon + 1);
      value.erase(0, value.find_first_not_of(' '));
      r.headers.emplace_back(line.substr(0, colon), value);
      if (iequals(line.substr(0, colon), "Status")) {
        r.status_line = value;
        r.status = std::atoi(value.c_str());
      }
    }
    start = stop + 2;
  }
  return r;
}

std::string header_of(const CgiResponse& r, const std::string& name) {
  for (const auto& [key, value] : r.headers) {
    if (iequals(key, name)) return value;
  }
  return {};
}

std::string error_code_of(const CgiResponse& r) {
  const auto doc = parse_json(r.body);
  if (!doc.IsObject() || !doc.HasMember("error")) return {};
  return string_member(doc["error"], "code");
}

std::string handler(const std::string& name) { return stack_env().handler_dir + "/" + name; }

// The environment a CGI server hands a handler, and nothing else.
std::vector<std::string> cgi_env(const std::string& method, const std::string& uri,
                                 const std::string& content_length = "") {
  const auto& stack = stack_env();
  std::vector<std::string> env = {
      "GATEWAY_INTERFACE=CGI/1.1",
      "REQUEST_METHOD=" + method,
      "REQUEST_URI=" + uri,
      "DATABASE_URL=" + stack.database_url,
      "REDIS_URL=" + stack.redis_url,
      "REDIS_PASSWORD=" + stack.redis_password,
      "JWT_KEYS=" + stack.jwt_keys,
      "SESSION_SECRET=" + stack.session_secret,
      "TOTP_ENCRYPTION_KEY=" + stack.totp_encryption_key,
      // The cheapest argon2id cost, so CGI registrations stay fast.
      "PASSWORD_OPSLIMIT=1",
      "PASSWORD_MEMLIMIT=8192",
  };
  if (!content_length.empty()) {
    env.push_back("CONTENT_TYPE=application/json");
    env.push_back("CONTENT_LENGTH=" + content_length);
  }
  return env;
}

// `env` without the setting `name`.
std::vector<std::string> without(std::vector<std::string> env, const std::string& name) {
  env.erase(std::remove_if(env.begin(), env.end(),
                           [&](const std::string& e) { return e.rfind(name + "=", 0) == 0; }),
            env.end());
  return env;
}

// `env` plus the Authorization header as CGI passes it.
std::vector<std::string> with_bearer(std::vector<std::string> env, const std::string& token) {
  env.push_back("HTTP_AUTHORIZATION=Bearer " + token);
  return env;
}

ProcessResult run_cgi(const std::string& name, const std::vector<std::string>& env,
                      const std::string& stdin_text) {
  return run_process({handler(name)}, env, stdin_text, kTimeout);
}

TEST(Cgi, RegisterThenReadUser) {
  const std::string name = unique_username("Cgi");
  const std::string body = credentials_body(name, strong_password());
  const auto run =
      run_cgi("register", cgi_env("POST", "/api/register", std::to_string(body.size())), body);
  ASSERT_TRUE(run.exited_zero()) << run.describe();
  const auto created = parse_cgi(run.out);
  ASSERT_TRUE(created.well_formed) << run.describe();
  EXPECT_EQ(created.status_line, "201 Created") << run.describe();
  EXPECT_TRUE(iequals(header_of(created, "Content-Type"), "application/json; charset=utf-8"))
      << run.describe();
  const auto doc = parse_json(created.body);
  EXPECT_EQ(string_member(doc, "message"), "User registered successfully");
  const auto id = int64_member(doc, "user_id").value_or(0);
  ASSERT_GT(id, 0) << run.describe();
  const std::string path = "/api/users/" + std::to_string(id);
  EXPECT_EQ(header_of(created, "Location"), path);

  const auto read =
      run_cgi("read_user", with_bearer(cgi_env("GET", path), shared_admin().access_token), "");
  ASSERT_TRUE(read.exited_zero()) << read.describe();
  const auto got = parse_cgi(read.out);
  EXPECT_EQ(got.status, 200) << read.describe();
  const auto user = parse_json(got.body);
  EXPECT_TRUE(IsUserRepresentation(user)) << read.describe();
  EXPECT_EQ(string_member(user, "username"), name);

  // Same database: the FastCGI service behind nginx sees the CGI-made user.
  const auto http = request("GET", path);
  ASSERT_EQ(http.status, 200) << http.describe();
  EXPECT_EQ(string_member(parse_json(http.body), "username"), name);
}

// Bytes after CONTENT_LENGTH are not part of the request.
TEST(Cgi, ReadsExactlyContentLengthBytes) {
  const std::string body = credentials_body(unique_username("CgiLen"), strong_password());
  const auto run =
      run_cgi("register", cgi_env("POST", "/api/register", std::to_string(body.size())),
              body + "\n{\"not\":\"part of the request\"}");
  const auto r = parse_cgi(run.out);
  EXPECT_EQ(r.status, 201) << run.describe();
}

TEST(Cgi, ContentLengthOver16KiBIs413) {
  const std::string body(16385, ' ');
  const auto run = run_cgi("register", cgi_env("POST", "/api/register", "16385"), body);
  const auto r = parse_cgi(run.out);
  EXPECT_EQ(r.status, 413) << run.describe();
  EXPECT_EQ(error_code_of(r), "payload_too_large") << run.describe();
}

// A huge announced length is refused up front, without waiting for the body.
TEST(Cgi, HugeContentLengthIs413WithoutReading) {
  const auto run = run_cgi("register", cgi_env("POST", "/api/register", "999999999"), "{}");
  EXPECT_FALSE(run.timed_out);
  const auto r = parse_cgi(run.out);
  EXPECT_EQ(r.status, 413) << run.describe();
  EXPECT_EQ(error_code_of(r), "payload_too_large") << run.describe();
}

struct BadLength {
  const char* reason;
  const char* content_length;
};

const BadLength kBadLengths[] = {
    {"digits_then_letters", "12abc"},
    {"letters", "abc"},
    {"negative", "-5"},
    {"fraction", "1.5"},
};

class CgiBadContentLength : public testing::TestWithParam<BadLength> {};

TEST_P(CgiBadContentLength, Is400InvalidContentLength) {
  const std::string body = R"({"username":"abc","password":"correct-horse-x"})";
  const auto run =
      run_cgi("register", cgi_env("POST", "/api/register", GetParam().content_length), body);
  const auto r = parse_cgi(run.out);
  EXPECT_EQ(r.status, 400) << "CONTENT_LENGTH=" << GetParam().content_length << "\n"
                           << run.describe();
  EXPECT_EQ(error_code_of(r), "invalid_content_length") << run.describe();
}

INSTANTIATE_TEST_SUITE_P(Values, CgiBadContentLength, testing::ValuesIn(kBadLengths), ReasonName());

TEST(Cgi, BodyShorterThanContentLengthIs400) {
  const std::string body = R"({"username":"abc"})";
  const auto run = run_cgi("register", cgi_env("POST", "/api/register", "100"), body);
  EXPECT_FALSE(run.timed_out) << "the handler waited for bytes that never come";
  const auto r = parse_cgi(run.out);
  EXPECT_EQ(r.status, 400) << run.describe();
  EXPECT_EQ(error_code_of(r), "incomplete_body") << run.describe();
}

// Reads need an authenticated caller in CGI mode too.
TEST(Cgi, ReadUserWithoutCredentialsIs401) {
  const auto user = create_user();
  const auto run =
      run_cgi("read_user", cgi_env("GET", "/api/users/" + std::to_string(user.id)), "");
  const auto r = parse_cgi(run.out);
  EXPECT_EQ(r.status, 401) << run.describe();
  EXPECT_EQ(error_code_of(r), "unauthorized") << run.describe();
}

// The auth endpoints run as CGI as well: log in, then ask who we are.
TEST(Cgi, LoginThenMe) {
  const auto user = create_user();
  const std::string body = credentials_body(user.username, user.password);
  const auto run =
      run_cgi("login", cgi_env("POST", "/api/login", std::to_string(body.size())), body);
  const auto logged_in = parse_cgi(run.out);
  ASSERT_EQ(logged_in.status, 200) << run.describe();
  const std::string token = string_member(parse_json(logged_in.body), "access_token");
  ASSERT_FALSE(token.empty()) << run.describe();

  const auto me = run_cgi("me", with_bearer(cgi_env("GET", "/api/me"), token), "");
  const auto got = parse_cgi(me.out);
  EXPECT_EQ(got.status, 200) << me.describe();
  EXPECT_EQ(int64_member(parse_json(got.body), "user_id"), user.id) << me.describe();
}

// Each handler with the request it serves, for the start-up check.
struct HandlerRequest {
  const char* handler;
  const char* method;
  const char* uri;
};

const HandlerRequest kHandlers[] = {
    {"register", "POST", "/api/register"},
    {"read_user", "GET", "/api/users/1"},
    {"list_users", "GET", "/api/users"},
    {"update_user", "PUT", "/api/users/1"},
    {"delete_user", "DELETE", "/api/users/1"},
    {"login", "POST", "/api/login"},
    {"token_refresh", "POST", "/api/token/refresh"},
    {"logout", "POST", "/api/logout"},
    {"me", "GET", "/api/me"},
    {"change_password", "PUT", "/api/users/1/password"},
    {"totp", "POST", "/api/me/totp"},
};

// Settings every handler needs before it serves anything.
const char* const kRequiredSettings[] = {"DATABASE_URL", "JWT_KEYS", "SESSION_SECRET",
                                         "TOTP_ENCRYPTION_KEY"};

class CgiWithoutSetting : public testing::TestWithParam<std::tuple<HandlerRequest, const char*>> {};

TEST_P(CgiWithoutSetting, ExitsNonZeroWithOneLineNamingIt) {
  const auto& [row, setting] = GetParam();
  const auto run = run_cgi(row.handler, without(cgi_env(row.method, row.uri), setting), "");
  EXPECT_FALSE(run.timed_out) << run.describe();
  EXPECT_EQ(run.term_signal, 0) << "crashed instead of stopping\n" << run.describe();
  EXPECT_NE(run.exit_code, 0) << run.describe();
  EXPECT_NE(run.err.find(setting), std::string::npos) << run.describe();
  std::string message = run.err;
  while (!message.empty() && (message.back() == '\n' || message.back() == '\r')) {
    message.pop_back();
  }
  EXPECT_FALSE(message.empty());
  EXPECT_EQ(message.find('\n'), std::string::npos) << "want one line\n" << run.describe();
}

// A handler installed without its store module (docs/cgi.md) stops at start
// with one line naming the module, instead of failing at its first query.
TEST(CgiStoreModule, MissingModuleStopsWithOneLineNamingIt) {
  std::string folder = (std::filesystem::temp_directory_path() / "cgi-module-XXXXXX").string();
  ASSERT_NE(mkdtemp(folder.data()), nullptr);
  const std::string lone = folder + "/health";
  std::filesystem::copy_file(handler("health"), lone);
  const auto run = run_process({lone}, cgi_env("GET", "/healthz"), "", kTimeout);
  std::filesystem::remove_all(folder);
  EXPECT_EQ(run.exit_code, 2) << run.describe();
  // crud_store_postgres.<the stamp of the headers it was built from>.so
  EXPECT_NE(run.err.find("store module crud_store_postgres."), std::string::npos) << run.describe();
  EXPECT_NE(run.err.find(".so not found"), std::string::npos) << run.describe();
  EXPECT_EQ(run.err.find('\n'), run.err.size() - 1) << "want one line\n" << run.describe();
}

INSTANTIATE_TEST_SUITE_P(Handlers, CgiWithoutSetting,
                         testing::Combine(testing::ValuesIn(kHandlers),
                                          testing::ValuesIn(kRequiredSettings)),
                         [](const auto& row) {
                           return std::string(std::get<0>(row.param).handler) + "_without_" +
                                  std::get<1>(row.param);
                         });

}  // namespace
}  // namespace itest
