// A small blocking HTTP client over libcurl for talking to the stack's nginx.
// Each call uses its own curl handle, so threads may call request() at once
// (the uniqueness race tests do).
#pragma once

#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace itest {

using HeaderList = std::vector<std::pair<std::string, std::string>>;

struct Response {
  std::string method;  // what was sent, for failure messages
  std::string path;
  int status = 0;
  HeaderList headers;  // in received order; duplicates are kept
  std::string body;

  // First value of header `name` (case-insensitive), or nullopt.
  std::optional<std::string> header(const std::string& name) const;
  // Every value of header `name` (case-insensitive), in received order.
  std::vector<std::string> header_values(const std::string& name) const;
  // "METHOD path -> status", the headers and the start of the body.
  std::string describe() const;
};

// Sends `method` `path` (path and query, e.g. "/api/users?limit=2") to the
// stack's BASE_URL. When `body` has a value it is sent, even when empty, and
// Content-Type defaults to application/json. A header given with an empty
// value is removed from the request (e.g. {"Content-Type", ""}).
// Unless `headers` has an Authorization or Cookie header, the request carries
// "Authorization: Bearer <access token of this process's admin>" (see admin.h);
// {"Authorization", ""} sends it without any credentials.
// Throws std::runtime_error when no HTTP response arrives at all.
Response request(const std::string& method, const std::string& path,
                 const std::optional<std::string>& body = std::nullopt,
                 const HeaderList& headers = {});

// Where and how request_via() connects; the defaults are what request() does.
struct Transport {
  std::string base_url;             // "" means the stack's BASE_URL
  bool accept_self_signed = false;  // the stack's own certificate: no peer/host checks
  long ssl_version = 0;             // a CURLOPT_SSLVERSION value; 0 leaves curl's default
  std::string ssl_ciphers;          // CURLOPT_SSL_CIPHER_LIST; "" leaves curl's default
};

// request() over `transport` (same headers, credentials and errors).
Response request_via(const Transport& transport, const std::string& method, const std::string& path,
                     const std::optional<std::string>& body = std::nullopt,
                     const HeaderList& headers = {});

// Adds one received header line ("Name: value\r\n") to `headers`; a status
// line ("HTTP/...") starts a new block and clears them; other lines are ignored.
void add_header_line(HeaderList& headers, const std::string& line);

// ASCII case-insensitive equality, for header names and media types.
bool iequals(const std::string& a, const std::string& b);

}  // namespace itest
