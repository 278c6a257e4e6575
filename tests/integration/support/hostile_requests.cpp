// The bad-input corpus (see hostile_requests.h). Most rows are generated:
// one hostile value crossed with every endpoint and body field it can reach,
// so a new endpoint added to kEndpoints is attacked the same way at once.
#include "support/hostile_requests.h"

#include <cctype>
#include <utility>

#include "support/test_data.h"

namespace itest {
namespace {

// A field of an endpoint's body and the harmless JSON value it gets when
// another field is under attack. Harmless values name the marker, so a
// request accepted by mistake stores or renames a user the test can find.
struct Field {
  const char* name;
  const char* valid_json;
};

struct Endpoint {
  const char* name;
  const char* method;
  const char* target;
  std::vector<Field> fields;
};

const std::vector<Endpoint> kEndpoints = {
    {"register",
     "POST",
     "/api/register",
     {{"username", R"("x{marker}")"}, {"password", R"("correct-horse-{marker}")"}}},
    {"create",
     "POST",
     "/api/users",
     {{"username", R"("x{marker}")"}, {"password", R"("correct-horse-{marker}")"}}},
    {"update", "PUT", "/api/users/{id}", {{"username", R"("x{marker}")"}}},
    {"login",
     "POST",
     "/api/login",
     {{"username", R"("x{marker}")"}, {"password", R"("correct-horse-battery")"}}},
    {"refresh", "POST", "/api/token/refresh", {{"refresh_token", R"("{marker}")"}}},
    {"logout", "POST", "/api/logout", {{"refresh_token", R"("{marker}")"}}},
    {"password",
     "PUT",
     "/api/users/{id}/password",
     {{"current_password", R"("wrong-{marker}")"},
      {"new_password", R"("correct-horse-{marker}")"}}},
    {"totp_verify", "POST", "/api/me/totp/verify", {{"code", R"("123456")"}}},
    {"totp_disable", "DELETE", "/api/me/totp", {{"code", R"("123456")"}}},
};

// The endpoint's body with `field`'s value replaced by `raw_json` (the
// field's name replaced by `key` when given).
std::string body_with(const Endpoint& ep, const std::string& field, const std::string& raw_json,
                      const std::string& key = "") {
  std::string out = "{";
  for (const auto& f : ep.fields) {
    if (out.size() > 1) out += ",";
    const bool hit = f.name == field;
    out += "\"" + (hit && !key.empty() ? key : std::string(f.name)) + "\":";
    out += hit ? raw_json : f.valid_json;
  }
  return out + "}";
}

std::string valid_body(const Endpoint& ep) { return body_with(ep, "", ""); }

// "a_b" with anything but [A-Za-z0-9] made '_', as gtest names require.
std::string join_reason(const std::string& a, const std::string& b) {
  std::string out = a + "_" + b;
  for (char& ch : out)
    if (!std::isalnum(static_cast<unsigned char>(ch))) ch = '_';
  return out;
}

// Bytes that make a JSON text invalid UTF-8, or unpaired surrogates.
const std::vector<std::pair<std::string, std::string>> kBadEncodings = {
    {"byte_ff", "\xff"},
    {"overlong_slash", "\xc0\xaf"},
    {"truncated_euro", "\xe2\x82"},
    {"utf8_surrogate", "\xed\xa0\x80"},
    {"beyond_u10ffff", "\xf4\x90\x80\x80"},
    {"escaped_lone_surrogate", "\\ud800"},
    {"raw_nul", std::string("a\0b", 3)},
    {"raw_crlf_header", "a\r\nX-Injected: 1"},
};

void add_body_encoding_rows(std::vector<Hostile>& rows) {
  for (const auto& ep : kEndpoints)
    for (const auto& f : ep.fields)
      for (const auto& [why, bytes] : kBadEncodings)
        rows.push_back({join_reason(std::string(ep.name) + "_" + f.name, why), ep.method, ep.target,
                        body_with(ep, f.name, "\"x" + bytes + "y\""), 400, "invalid_json"});
}

// 8000 nested arrays: parsing must neither exhaust the stack nor accept it.
const std::string kDeepArray = repeat("[", 8000) + repeat("]", 8000);
const std::string kDeepObject = repeat(R"({"a":)", 2000) + "1" + repeat("}", 2000);

void add_body_shape_rows(std::vector<Hostile>& rows) {
  for (const auto& ep : kEndpoints) {
    const std::string name = ep.name;
    const std::string first = ep.fields.front().name;
    const std::string first_valid = ep.fields.front().valid_json;
    auto add = [&](const std::string& why, std::string body, int status, const char* code) {
      rows.push_back({name + "_" + why, ep.method, ep.target, std::move(body), status, code});
    };
    add("duplicate_key", "{\"" + first + "\":" + first_valid + "," + valid_body(ep).substr(1), 400,
        "duplicate_field");
    // The same key spelled with a JSON escape is still the same key.
    std::string escaped = first;
    escaped.replace(1, 1,
                    "\\u00" + std::string(1, "0123456789abcdef"[first[1] >> 4]) +
                        std::string(1, "0123456789abcdef"[first[1] & 15]));
    add("duplicate_key_escaped",
        "{\"" + escaped + "\":" + first_valid + "," + valid_body(ep).substr(1), 400,
        "duplicate_field");
    add("html_key", body_with(ep, first, first_valid, "<script>alert(1)</script>"), 400,
        "unknown_field");
    add("sql_key", body_with(ep, first, first_valid, "username' OR '1'='1"), 400, "unknown_field");
    add("key_of_10000_bytes", body_with(ep, first, first_valid, repeat("k", 10000)), 400,
        "unknown_field");
    add("deeply_nested_value", body_with(ep, first, kDeepArray), 400, "invalid_type");
    add("deeply_nested_body", kDeepArray, 400, "body_not_object");
    add("deeply_nested_object", kDeepObject, 400, "unknown_field");
    add("number_beyond_double", body_with(ep, first, "1e400"), 400, "invalid_json");
    add("negative_beyond_double", body_with(ep, first, "-1e400"), 400, "invalid_json");
    add("integer_of_30_digits", body_with(ep, first, "123456789012345678901234567890"), 400,
        "invalid_type");
    // errors_test.cpp sends register, create and update bodies over 16 KiB.
    if (name == "register" || name == "create" || name == "update") continue;
    add("over_16_kib", body_with(ep, first, "\"" + repeat("p", 16400) + "\""), 413,
        "payload_too_large");
  }
}

// Every JSON write refuses a body that is not JSON.
void add_content_type_rows(std::vector<Hostile>& rows) {
  const std::vector<std::pair<std::string, std::string>> types = {
      {"text_plain", "text/plain"},
      {"form", "application/x-www-form-urlencoded"},
      {"xml", "application/xml"},
      {"json_with_crlf_text", "application/json%0d%0aX-Injected: 1"},
  };
  for (const auto& ep : kEndpoints) {
    for (const auto& [why, type] : types)
      rows.push_back({join_reason(ep.name, why),
                      ep.method,
                      ep.target,
                      valid_body(ep),
                      415,
                      "unsupported_media_type",
                      {"Content-Type: " + type},
                      kOmitType});
    rows.push_back({join_reason(ep.name, "no_content_type"),
                    ep.method,
                    ep.target,
                    valid_body(ep),
                    415,
                    "unsupported_media_type",
                    {},
                    kOmitType});
  }
}

// Values that parse but break the rules: the SPEC's 422 or the endpoint's 401.
void add_value_rows(std::vector<Hostile>& rows) {
  const std::vector<std::pair<std::string, std::string>> names = {
      {"html", "<script>alert(1)</script>"},
      {"html_attribute", "\\\"><img src=x onerror=alert(1)>"},
      {"sql_tautology", "x' OR '1'='1"},
      {"escaped_crlf_header", "x{marker}\\r\\nX-Injected: 1"},
      {"escaped_nul", "x{marker}\\u0000"},
      {"fullwidth_letters", "\xef\xbd\x81\xef\xbd\x84\xef\xbd\x8d{marker}"},
      {"rtl_override", "x{marker}\xe2\x80\xae"},
      {"length_33", "x{marker}" + repeat("a", 22)},
      {"length_10000", "x{marker}" + repeat("a", 10000)},
      {"path_traversal", "../../etc/passwd"},
  };
  for (const auto& [why, text] : names) {
    const std::string value = "\"" + text + "\"";
    rows.push_back({join_reason("register_username", why), "POST", "/api/register",
                    body_with(kEndpoints[0], "username", value), 422, "validation_failed"});
    rows.push_back({join_reason("update_username", why), "PUT", "/api/users/{id}",
                    body_with(kEndpoints[2], "username", value), 422, "validation_failed"});
  }
  rows.push_back({"register_password_129_code_points", "POST", "/api/register",
                  body_with(kEndpoints[0], "password", "\"" + repeat("\xc3\xa9", 129) + "\""), 422,
                  "validation_failed"});
  for (const auto& [why, text] : std::vector<std::pair<std::string, std::string>>{
           {"escaped_crlf_header", "\\r\\nX-Injected: 1"},
           {"escaped_nul", "\\u0000"},
           {"html", "<script>alert(1)</script>"}}) {
    const std::string value = "\"{marker}" + text + "\"";
    rows.push_back({join_reason("login_username", why), "POST", "/api/login",
                    body_with(kEndpoints[3], "username", value), 401, "invalid_credentials"});
    rows.push_back({join_reason("refresh_token", why), "POST", "/api/token/refresh",
                    body_with(kEndpoints[4], "refresh_token", value), 401,
                    "invalid_refresh_token"});
  }
  rows.push_back({"login_session_not_boolean", "POST", "/api/login",
                  R"({"username":"x{marker}","password":"correct-horse-battery","session":1})", 400,
                  "invalid_type"});
  rows.push_back({"login_session_beyond_double", "POST", "/api/login",
                  R"({"username":"x{marker}","password":"correct-horse-battery","session":1e400})",
                  400, "invalid_json"});
}

// Path ids that must name no user for any method: never a 400 or 500, and
// never the target itself.
void add_path_rows(std::vector<Hostile>& rows) {
  const std::vector<std::pair<std::string, std::string>> ids = {
      {"encoded_crlf_header", "{id}%0d%0aX-Injected:%201"},
      {"encoded_html", "%3Cscript%3Ealert(1)%3C%2Fscript%3E"},
      {"sql_tautology", "{id}%20OR%201=1"},
      {"sql_stacked", "{id};DROP%20TABLE%20users"},
      {"sql_quote_comment", "{id}'--"},
      {"plus_sign", "+{id}"},
      {"leading_zero", "0{id}"},
      {"decimal_point", "{id}.0"},
      {"fullwidth_digit", "%EF%BC%91"},
      {"overlong_utf8", "{id}%C0%AF"},
      {"double_encoded_dots", "%252e%252e%252f{id}"},
  };
  const Endpoint& update = kEndpoints[2];
  const Endpoint& password = kEndpoints[6];
  for (const auto& [why, id] : ids) {
    rows.push_back(
        {join_reason("get_user", why), "GET", "/api/users/" + id, std::nullopt, 404, "not_found"});
    rows.push_back({join_reason("update_user", why), "PUT", "/api/users/" + id, valid_body(update),
                    404, "not_found"});
    rows.push_back({join_reason("delete_user", why), "DELETE", "/api/users/" + id, std::nullopt,
                    404, "not_found"});
    rows.push_back({join_reason("change_password", why), "PUT", "/api/users/" + id + "/password",
                    valid_body(password), 404, "not_found"});
  }
  // A NUL byte in the decoded path nginx refuses itself.
  rows.push_back(
      {"get_user_encoded_nul", "GET", "/api/users/{id}%00", std::nullopt, 400, "bad_request"});
  rows.push_back({"delete_user_encoded_nul", "DELETE", "/api/users/{id}%00", std::nullopt, 400,
                  "bad_request"});
  rows.push_back({"change_password_encoded_nul", "PUT", "/api/users/{id}%00/password",
                  valid_body(password), 400, "bad_request"});
  // Traversal: nginx resolves dot segments before routing; what is left
  // names no file and no user, and a traversal above the root is refused.
  const std::vector<std::pair<std::string, std::string>> traversals = {
      {"encoded_slashes_to_etc", "/api/users/..%2f..%2fetc%2fpasswd"},
      {"encoded_dots_to_etc", "/api/users/%2e%2e/%2e%2e/etc/passwd"},
      {"below_user_to_etc", "/api/users/{id}/..%2f..%2f..%2fetc%2fpasswd"},
      {"backslashes", "/api/users/..\\..\\etc\\passwd"},
      {"to_nginx_conf", "/api/../nginx.conf"},
  };
  for (const auto& [why, target] : traversals)
    rows.push_back({join_reason("traversal", why), "GET", target, std::nullopt, 404, "not_found"});
  rows.push_back(
      {"traversal_above_root", "GET", "/../../../etc/passwd", std::nullopt, 400, "bad_request"});
  rows.push_back({"traversal_rename_other_path", "PUT", "/api/users/%2e%2e%2f{id}",
                  valid_body(update), 404, "not_found"});
}

void add_query_rows(std::vector<Hostile>& rows) {
  const std::vector<std::pair<std::string, std::string>> queries = {
      {"encoded_crlf_header", "limit=1%0d%0aX-Injected:%201"},
      {"malformed_escape", "limit=%zz"},
      {"lone_percent", "limit=%"},
      {"sql_tautology", "after=1%20OR%201=1"},
      {"sql_stacked", "after=1;DROP%20TABLE%20users"},
      {"encoded_nul", "limit=1%00"},
      {"html", "after=%3Cscript%3Ealert(1)%3C/script%3E"},
      {"sql_quote_comment", "limit=10&after=1'--"},
      {"malformed_name", "%zz=1"},
      {"fullwidth_digit", "limit=%EF%BC%91"},
      {"overlong_utf8", "limit=1%C0%AF"},
  };
  for (const auto& [why, query] : queries)
    rows.push_back({join_reason("list_query", why), "GET", "/api/users?" + query, std::nullopt, 400,
                    "invalid_query"});
}

// Headers: what nginx refuses while parsing (bare CR, NUL, oversize) is its
// 400 as JSON; what reaches a handler is refused by the rule it breaks.
void add_header_rows(std::vector<Hostile>& rows) {
  const Endpoint& update = kEndpoints[2];
  const std::vector<std::string> names = {"Authorization", "Content-Type", "Cookie", "X-CSRF-Token",
                                          "If-Match",      "X-Request-ID", "Host",   "User-Agent"};
  for (const auto& name : names) {
    rows.push_back({join_reason("bare_cr_in", name),
                    "PUT",
                    "/api/users/{id}",
                    valid_body(update),
                    400,
                    "bad_request",
                    {name + ": x\rX-Injected: 1"}});
    rows.push_back({join_reason("nul_in", name),
                    "PUT",
                    "/api/users/{id}",
                    valid_body(update),
                    400,
                    "bad_request",
                    {name + ": x" + std::string(1, '\0') + "y"}});
  }
  rows.push_back({"nul_in_request_line", "GET", std::string("/api/users/\0", 12), std::nullopt, 400,
                  "bad_request"});
  rows.push_back({"lower_case_method", "get", "/api/users", std::nullopt, 400, "bad_request"});
  rows.push_back({"header_of_20_kib_on_write",
                  "PUT",
                  "/api/users/{id}",
                  valid_body(update),
                  400,
                  "bad_request",
                  {"X-Padding: " + repeat("a", 20 * 1024)}});
  rows.push_back({"cookie_of_20_kib",
                  "GET",
                  "/api/me",
                  std::nullopt,
                  400,
                  "bad_request",
                  {"Cookie: __Host-session=" + repeat("a", 20 * 1024)},
                  kOmitAuth});
  rows.push_back({"authorization_of_9_kib",
                  "GET",
                  "/api/me",
                  std::nullopt,
                  400,
                  "bad_request",
                  {"Authorization: Bearer " + repeat("a", 9 * 1024)},
                  kOmitAuth});
  rows.push_back({"header_name_of_9_kib",
                  "GET",
                  "/api/me",
                  std::nullopt,
                  400,
                  "bad_request",
                  {repeat("X", 9 * 1024) + ": 1"}});
  std::vector<std::string> many;
  for (int i = 0; i < 200; ++i)
    many.push_back("X-Filler-" + std::to_string(i) + ": " + repeat("f", 200));
  rows.push_back({"headers_totalling_40_kib", "PUT", "/api/users/{id}", valid_body(update), 400,
                  "bad_request", many});

  // Escaped CR/LF in header values reaches the handlers as text.
  rows.push_back({"request_id_with_encoded_crlf",
                  "GET",
                  "/api/users/0",
                  std::nullopt,
                  404,
                  "not_found",
                  {"X-Request-ID: abc%0d%0aX-Injected:%201"}});
  rows.push_back({"bearer_with_encoded_crlf",
                  "GET",
                  "/api/me",
                  std::nullopt,
                  401,
                  "invalid_token",
                  {"Authorization: Bearer x%0d%0aX-Injected:%201"},
                  kOmitAuth});
  rows.push_back({"bearer_with_html",
                  "GET",
                  "/api/me",
                  std::nullopt,
                  401,
                  "invalid_token",
                  {"Authorization: Bearer <script>alert(1)</script>"},
                  kOmitAuth});
  rows.push_back({"bearer_with_sql",
                  "GET",
                  "/api/me",
                  std::nullopt,
                  401,
                  "invalid_token",
                  {"Authorization: Bearer ' OR 1=1--"},
                  kOmitAuth});
  rows.push_back({"if_match_with_encoded_crlf",
                  "PUT",
                  "/api/users/{id}",
                  valid_body(update),
                  412,
                  "precondition_failed",
                  {"If-Match: \"1\"%0d%0aX-Injected: 1"}});
  rows.push_back({"if_match_with_sql",
                  "PUT",
                  "/api/users/{id}",
                  valid_body(update),
                  412,
                  "precondition_failed",
                  {"If-Match: \"1' OR '1'='1\""}});
  rows.push_back({"csrf_with_encoded_crlf",
                  "PUT",
                  "/api/users/{id}",
                  valid_body(update),
                  403,
                  "csrf_failed",
                  {"Cookie: __Host-session={session}", "X-CSRF-Token: {csrf}%0d%0aX-Injected: 1"},
                  kOmitAuth});
  rows.push_back({"csrf_of_another_session",
                  "DELETE",
                  "/api/users/{id}",
                  std::nullopt,
                  403,
                  "csrf_failed",
                  {"Cookie: __Host-session={session}", "X-CSRF-Token: {marker}"},
                  kOmitAuth});
  rows.push_back({"method_override_header",
                  "POST",
                  "/api/users/{id}",
                  valid_body(update),
                  405,
                  "method_not_allowed",
                  {"X-HTTP-Method-Override: DELETE"}});
  rows.push_back({"original_url_header",
                  "GET",
                  "/api/nope",
                  std::nullopt,
                  404,
                  "not_found",
                  {"X-Original-URL: /api/users/{id}", "X-Rewrite-URL: /api/users/{id}"}});

  // Lengths nginx must refuse before any body reaches a handler.
  const std::vector<std::pair<std::string, std::vector<std::string>>> lengths = {
      {"content_length_negative", {"Content-Length: -1"}},
      {"content_length_letters", {"Content-Length: abc"}},
      {"content_length_twice", {"Content-Length: 5", "Content-Length: 6"}},
      {"content_length_and_chunked", {"Content-Length: 5", "Transfer-Encoding: chunked"}},
      {"content_length_of_20_digits", {"Content-Length: 99999999999999999999"}},
      // nginx's own 501 (a coding it does not implement) goes out as the SPEC's 400.
      {"transfer_encoding_gzip", {"Transfer-Encoding: gzip"}},
  };
  for (const auto& [why, headers] : lengths)
    rows.push_back({why, "PUT", "/api/users/{id}", valid_body(update), 400, "bad_request", headers,
                    kOmitLength});
}

void replace_all(std::string& text, const std::string& from, const std::string& to) {
  for (auto at = text.find(from); at != std::string::npos; at = text.find(from, at + to.size()))
    text.replace(at, from.size(), to);
}

}  // namespace

void PrintTo(const Hostile& row, std::ostream* os) { *os << row.reason; }

std::map<std::string, std::string> placeholders_for(const Account& target,
                                                    const std::string& marker) {
  return {{"{id}", std::to_string(target.user.id)},
          {"{token}", target.tokens.access_token},
          {"{session}", target.tokens.session},
          {"{csrf}", target.tokens.csrf_token},
          {"{marker}", marker}};
}

std::string render_hostile(const Hostile& row, const std::map<std::string, std::string>& values) {
  auto fill = [&](std::string text) {
    for (const auto& [from, to] : values) replace_all(text, from, to);
    return text;
  };
  std::string out = row.method + " " + fill(row.target) + " HTTP/1.1\r\n";
  out += "Host: localhost\r\nConnection: close\r\n";
  if (!(row.omit & kOmitAuth)) out += fill("Authorization: Bearer {token}\r\n");
  const std::string body = row.body ? fill(*row.body) : "";
  if (row.body && !(row.omit & kOmitType)) out += "Content-Type: application/json\r\n";
  if (row.body && !(row.omit & kOmitLength))
    out += "Content-Length: " + std::to_string(body.size()) + "\r\n";
  for (const auto& line : row.headers) out += fill(line) + "\r\n";
  return out + "\r\n" + body;
}

const std::vector<Hostile>& hostile_requests() {
  static const std::vector<Hostile> rows = [] {
    std::vector<Hostile> all;
    add_body_encoding_rows(all);
    add_body_shape_rows(all);
    add_content_type_rows(all);
    add_value_rows(all);
    add_path_rows(all);
    add_query_rows(all);
    add_header_rows(all);
    return all;
  }();
  return rows;
}

}  // namespace itest
