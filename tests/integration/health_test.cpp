// Health endpoints (/healthz liveness, /readyz readiness) and the headers every
// response carries, success or error, from a handler or from nginx.
#include <gtest/gtest.h>

#include <string>

#include "support/http_client.h"
#include "support/json_checks.h"
#include "support/stack_env.h"
#include "support/test_data.h"

namespace itest {
namespace {

TEST(Health, HealthzIsOk) {
  const auto r = request("GET", "/healthz");
  ASSERT_EQ(r.status, 200) << r.describe();
  EXPECT_TRUE(HasCommonHeaders(r));
  EXPECT_EQ(string_member(parse_json(r.body), "status"), "ok") << r.body;
}

// The store the stack runs: PostgreSQL behind nginx, SQLite behind Apache.
std::string configured_store() {
  return stack_env().database_url.rfind("sqlite://", 0) == 0 ? "sqlite" : "postgres";
}

TEST(Health, ReadyzIsReadyWithItsStoreUp) {
  const auto r = request("GET", "/readyz");
  ASSERT_EQ(r.status, 200) << r.describe();
  EXPECT_TRUE(HasCommonHeaders(r));
  const auto doc = parse_json(r.body);
  // The nginx stack runs Redis and the Apache one has none ("off"): neither is degraded.
  EXPECT_EQ(string_member(doc, "status"), "ready") << r.body;
  EXPECT_EQ(string_member(doc, "database"), configured_store()) << r.body;
  EXPECT_EQ(string_member(doc, configured_store().c_str()), "up") << r.body;
}

TEST(Health, HeadWorksWithoutBody) {
  for (const char* path : {"/healthz", "/readyz"}) {
    const auto r = request("HEAD", path);
    EXPECT_EQ(r.status, 200) << r.describe();
    EXPECT_TRUE(r.body.empty()) << path;
    EXPECT_TRUE(HasCommonHeaders(r));
  }
}

// Every kind of response carries X-Request-ID and nosniff; API responses are
// also never stored by caches.
TEST(CommonHeaders, OnSuccessesAndErrors) {
  const auto user = create_user();
  const std::string one = "/api/users/" + std::to_string(user.id);
  const Response responses[] = {
      request("GET", one),
      request("HEAD", one),
      request("GET", "/api/users?limit=1"),
      request("GET", one, std::nullopt, {{"If-None-Match", current_etag(user.id)}}),
      request("PUT", one, username_body(user.username)),
      request("POST", "/api/register", credentials_body(unique_username("Hdr"), strong_password())),
      request("GET", "/api/users/0"),
      request("GET", "/api/nope"),
      request("DELETE", "/api/users"),
      request("POST", "/api/register", std::string("{")),
      request("DELETE", one),
  };
  for (const auto& r : responses) {
    EXPECT_TRUE(HasCommonHeaders(r));
    if (r.status != 204 && r.status != 304) {
      EXPECT_NE(r.header("Cache-Control").value_or("").find("no-store"), std::string::npos)
          << r.describe();
      EXPECT_TRUE(iequals(r.header("Content-Type").value_or(""), "application/json; charset=utf-8"))
          << r.describe();
    }
  }
}

}  // namespace
}  // namespace itest
