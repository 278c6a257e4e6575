// HTTPS at the edge: nginx serves the API over TLS 1.2+ only, marks every
// HTTPS answer (also its own errors) with Strict-Transport-Security and no
// plain-HTTP answer with it, and with FORCE_HTTPS=1 redirects plain HTTP to
// HTTPS except the health checks. The stack's certificate is self-signed, so
// only these tests skip certificate verification. Runs serially: it changes
// nginx's configuration.
#include <curl/curl.h>
#include <gtest/gtest.h>

#include <string>

#include "support/admin.h"
#include "support/eventually.h"
#include "support/http_client.h"
#include "support/json_checks.h"
#include "support/stack_control.h"
#include "support/stack_env.h"
#include "support/test_data.h"

namespace itest {
namespace {

Transport https() {
  Transport t;
  t.base_url = stack_env().https_url;
  t.accept_self_signed = true;
  return t;
}

// A client limited to exactly one protocol version.
Transport https_only(long version, long max_version) {
  Transport t = https();
  t.ssl_version = version | max_version;
  // OpenSSL's default security level refuses TLS 1.1 on the client side;
  // level 0 makes the client offer it, so a refusal is the server's.
  t.ssl_ciphers = "DEFAULT@SECLEVEL=0";
  return t;
}

// "https://127.0.0.1:<port>" -> "<port>".
std::string port_of(const std::string& url) { return url.substr(url.rfind(':') + 1); }

testing::AssertionResult HasHsts(const Response& r) {
  const auto values = r.header_values("Strict-Transport-Security");
  if (values.size() != 1 || values[0].find("max-age=") != 0 || values[0] == "max-age=0") {
    return testing::AssertionFailure() << "want one Strict-Transport-Security with a max-age\n"
                                       << r.describe();
  }
  return testing::AssertionSuccess();
}

testing::AssertionResult HasNoHsts(const Response& r) {
  if (r.header("Strict-Transport-Security")) {
    return testing::AssertionFailure() << "plain HTTP must not carry HSTS\n" << r.describe();
  }
  return testing::AssertionSuccess();
}

TEST(Tls, HttpsServesTheApiWithHsts) {
  const auto user = create_user();
  const std::string user_path = "/api/users/" + std::to_string(user.id);

  const auto health = request_via(https(), "GET", "/healthz");
  EXPECT_TRUE(IsJsonResponse(health, 200));
  EXPECT_TRUE(HasHsts(health));
  const auto read = request_via(https(), "GET", user_path);
  EXPECT_TRUE(IsJsonResponse(read, 200));
  EXPECT_TRUE(HasHsts(read));
  // An error nginx writes itself, not a handler.
  const auto missing = request_via(https(), "GET", "/api/nope");
  EXPECT_TRUE(IsApiError(missing, 404, "not_found"));
  EXPECT_TRUE(HasHsts(missing));

  for (const auto& path : {std::string("/healthz"), user_path, std::string("/api/nope")}) {
    EXPECT_TRUE(HasNoHsts(request("GET", path)));
  }
}

TEST(Tls, OnlyTls12AndNewerAreAccepted) {
  try {
    const auto r = request_via(https_only(CURL_SSLVERSION_TLSv1_1, CURL_SSLVERSION_MAX_TLSv1_1),
                               "GET", "/healthz");
    ADD_FAILURE() << "a TLS 1.1 client was served\n" << r.describe();
  } catch (const std::runtime_error& e) {
    // The server's protocol_version alert, not a client that could not offer 1.1.
    EXPECT_NE(std::string(e.what()).find("alert protocol version"), std::string::npos) << e.what();
  }
  EXPECT_TRUE(
      IsJsonResponse(request_via(https_only(CURL_SSLVERSION_TLSv1_2, CURL_SSLVERSION_MAX_TLSv1_2),
                                 "GET", "/healthz"),
                     200));
}

TEST(Tls, ForceHttpsRedirectsAllButHealthChecks) {
  const std::string https_port = port_of(stack_env().https_url);
  // Made over plain HTTP while it is still served.
  shared_admin();
  const auto user = create_user();
  const std::string user_path = "/api/users/" + std::to_string(user.id);
  NginxSettings forced(Settings{{"FORCE_HTTPS", "1"}});
  // The reload is asynchronous: wait for the first redirect.
  ASSERT_TRUE(eventually([] { return request("GET", "/api/users/1").status == 308; }))
      << request("GET", "/api/users/1").describe();

  for (const std::string path : {"/api/users/1", "/api/users?limit=2", "/api/nope"}) {
    const auto r = request("GET", path);
    EXPECT_EQ(r.status, 308) << r.describe();
    EXPECT_EQ(r.header("Location"), "https://127.0.0.1:" + https_port + path) << r.describe();
  }
  // Load balancers and monitoring keep probing over plain HTTP.
  for (const std::string path : {"/healthz", "/readyz"}) {
    EXPECT_TRUE(IsJsonResponse(request("GET", path), 200));
  }
  // HTTPS itself is served, not redirected again.
  EXPECT_TRUE(IsJsonResponse(request_via(https(), "GET", "/healthz"), 200));
  EXPECT_TRUE(IsJsonResponse(request_via(https(), "GET", user_path), 200));

  forced.restore();
  EXPECT_TRUE(eventually([&] { return request("GET", user_path).status == 200; }))
      << "plain HTTP is still redirected after restoring FORCE_HTTPS=0";
}

}  // namespace
}  // namespace itest
