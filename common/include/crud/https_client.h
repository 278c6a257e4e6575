// The back channel to sign-in providers: HTTPS requests over libcurl with
// certificate and host name verification on, https only, no redirects
// followed, a whole-call timeout and a cap on the answer's size.
#pragma once

#include <string>
#include <utility>
#include <vector>

namespace crud {

struct HttpsOptions {
  std::string ca_file;  // extra trusted CAs in PEM (empty: the system's store)
  int timeout_s = 5;
};

struct HttpsReply {
  long status = 0;
  std::string body;
};

// A GET; throws ApiError provider_unavailable when no answer came (refused,
// timeout, TLS failure, too large), whatever the status otherwise.
HttpsReply https_get(const std::string& url, const HttpsOptions& options);
// A POST of an application/x-www-form-urlencoded body with HTTP Basic
// credentials (OAuth 2.0 client_secret_basic); throws as https_get.
HttpsReply https_post_form(const std::string& url,
                           const std::vector<std::pair<std::string, std::string>>& form,
                           const std::string& user, const std::string& password,
                           const HttpsOptions& options);
// Query-string escaping (RFC 3986 unreserved characters kept).
std::string url_escape(const std::string& text);

}  // namespace crud
