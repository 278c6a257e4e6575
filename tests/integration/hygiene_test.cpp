// Request hygiene at the edge: what nginx refuses before any worker sees it
// (oversized headers or URI, methods no route serves) still gets the SPEC's
// JSON error, and no answer, over HTTP or HTTPS, tells an attacker nginx's
// version. Runs serially with the edge tests (it reads nginx's behaviour
// while they change it).
#include <gtest/gtest.h>

#include <ostream>
#include <set>
#include <string>
#include <vector>

#include "support/http_client.h"
#include "support/json_checks.h"
#include "support/param_name.h"
#include "support/stack_env.h"
#include "support/test_data.h"

namespace itest {
namespace {

struct EdgeRow {
  std::string reason;
  std::string method;
  std::string path;
  HeaderList headers;
  bool over_https;
  std::set<int> statuses;  // what nginx may answer
  std::string code;        // the error code; "" for a success
  std::string allow;       // the Allow header a 405 must carry
};

// "GET, HEAD" -> {"GET", "HEAD"}: the order in Allow carries no meaning.
std::set<std::string> methods_of(const std::string& allow) {
  std::set<std::string> methods;
  size_t start = 0;
  while (start <= allow.size()) {
    size_t stop = allow.find(',', start);
    if (stop == std::string::npos) stop = allow.size();
    const std::string token = allow.substr(start, stop - start);
    const auto first = token.find_first_not_of(' ');
    if (first != std::string::npos) {
      methods.insert(token.substr(first, token.find_last_not_of(' ') - first + 1));
    }
    start = stop + 1;
  }
  return methods;
}

// Failure messages name the row, not its bytes.
void PrintTo(const EdgeRow& row, std::ostream* os) { *os << row.reason; }

Transport transport_for(const EdgeRow& row) {
  Transport t;
  if (row.over_https) {
    t.base_url = stack_env().https_url;
    t.accept_self_signed = true;
  }
  return t;
}

// One header line beyond large_client_header_buffers (8 KiB), and a request
// line beyond it.
const HeaderList kHugeHeader = {{"X-Padding", repeat("a", 20 * 1024)}};
const std::string kHugeUri = "/api/users?pad=" + repeat("a", 9000);
const std::string kUsersAllow = "GET, HEAD, POST";

const EdgeRow kRows[] = {
    // nginx's own 494 goes out as 400 (a 431 would do as well); the body is the SPEC's.
    {"header_of_20_kib", "GET", "/api/users", kHugeHeader, false, {400, 431}, "bad_request", ""},
    {"uri_over_8_kib", "GET", kHugeUri, {}, false, {414}, "uri_too_long", ""},
    // TRACE nginx refuses before routing; OPTIONS no route serves.
    {"trace", "TRACE", "/api/users", {}, false, {405}, "method_not_allowed", kUsersAllow},
    {"options", "OPTIONS", "/api/users", {}, false, {405}, "method_not_allowed", kUsersAllow},
    // Answers nginx passes through from a worker, or writes itself.
    {"handler_200", "GET", "/healthz", {}, false, {200}, "", ""},
    {"handler_200_https", "GET", "/healthz", {}, true, {200}, "", ""},
    {"handler_401", "GET", "/api/me", {{"Authorization", ""}}, false, {401}, "unauthorized", ""},
    {"nginx_404", "GET", "/api/nope", {}, false, {404}, "not_found", ""},
    {"nginx_404_https", "GET", "/api/nope", {}, true, {404}, "not_found", ""},
};

class Edge : public testing::TestWithParam<EdgeRow> {};

TEST_P(Edge, JsonAnswerWithoutServerVersion) {
  const auto& row = GetParam();
  const auto r = request_via(transport_for(row), row.method, row.path, std::nullopt, row.headers);
  ASSERT_EQ(row.statuses.count(r.status), 1u) << r.describe();
  if (row.code.empty()) {
    EXPECT_TRUE(IsJsonResponse(r, r.status));
  } else {
    EXPECT_TRUE(IsApiError(r, r.status, row.code));
  }
  if (!row.allow.empty()) {
    const auto allow = r.header_values("Allow");
    ASSERT_EQ(allow.size(), 1u) << "want one Allow header\n" << r.describe();
    EXPECT_EQ(methods_of(allow[0]), methods_of(row.allow)) << r.describe();
  }
  // server_tokens off: the product name only, never a version.
  EXPECT_EQ(r.header_values("Server"), std::vector<std::string>{"nginx"}) << r.describe();
}

INSTANTIATE_TEST_SUITE_P(Requests, Edge, testing::ValuesIn(kRows), ReasonName());

}  // namespace
}  // namespace itest
