// HTTPS over libcurl for the OpenID Connect back channel. Every failure to
// get an answer becomes provider_unavailable; what went wrong goes to stderr
// (the worker's log), never to the client.
#include "crud/https_client.h"

#include <curl/curl.h>

#include <cstdio>
#include <memory>

#include "crud/errors.h"

namespace crud {

constexpr std::size_t kMaxReplyBytes = 1 << 20;

static std::size_t collect(char* data, std::size_t size, std::size_t count, void* out) {
  auto* body = static_cast<std::string*>(out);
  std::size_t n = size * count;
  if (body->size() + n > kMaxReplyBytes) return 0;  // curl fails the transfer
  body->append(data, n);
  return n;
}

struct CurlFree {
  void operator()(CURL* c) const { curl_easy_cleanup(c); }
};
using CurlHandle = std::unique_ptr<CURL, CurlFree>;

static CurlHandle new_handle(const std::string& url, const HttpsOptions& options,
                             std::string& body) {
  static const bool initialized = curl_global_init(CURL_GLOBAL_DEFAULT) == CURLE_OK;
  CURL* c = initialized ? curl_easy_init() : nullptr;
  if (!c) throw ApiError(ErrorCode::internal_error);
  curl_easy_setopt(c, CURLOPT_URL, url.c_str());
  curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "https");
  curl_easy_setopt(c, CURLOPT_SSL_VERIFYPEER, 1L);
  curl_easy_setopt(c, CURLOPT_SSL_VERIFYHOST, 2L);
  if (!options.ca_file.empty()) curl_easy_setopt(c, CURLOPT_CAINFO, options.ca_file.c_str());
  curl_easy_setopt(c, CURLOPT_FOLLOWLOCATION, 0L);
  curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(c, CURLOPT_TIMEOUT, static_cast<long>(options.timeout_s));
  curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT, static_cast<long>(options.timeout_s));
  curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, collect);
  curl_easy_setopt(c, CURLOPT_WRITEDATA, &body);
  curl_easy_setopt(c, CURLOPT_USERAGENT, "crud-service");
  return CurlHandle(c);
}

static HttpsReply perform(CURL* c, const std::string& url, std::string& body) {
  CURLcode rc = curl_easy_perform(c);
  if (rc != CURLE_OK) {
    std::fprintf(stderr, "sign-in provider unreachable at %s: %s\n", url.c_str(),
                 curl_easy_strerror(rc));
    throw ApiError(ErrorCode::provider_unavailable);
  }
  HttpsReply reply;
  curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &reply.status);
  reply.body = std::move(body);
  return reply;
}

HttpsReply https_get(const std::string& url, const HttpsOptions& options) {
  std::string body;
  CurlHandle c = new_handle(url, options, body);
  return perform(c.get(), url, body);
}

HttpsReply https_post_form(const std::string& url,
                           const std::vector<std::pair<std::string, std::string>>& form,
                           const std::string& user, const std::string& password,
                           const HttpsOptions& options) {
  std::string body, fields;
  for (const auto& [name, value] : form) {
    if (!fields.empty()) fields += '&';
    fields += url_escape(name) + "=" + url_escape(value);
  }
  CurlHandle c = new_handle(url, options, body);
  curl_easy_setopt(c.get(), CURLOPT_POSTFIELDS, fields.c_str());
  // client_secret_basic form-encodes both parts first (RFC 6749 section 2.3.1).
  std::string credentials = url_escape(user) + ":" + url_escape(password);
  curl_easy_setopt(c.get(), CURLOPT_HTTPAUTH, CURLAUTH_BASIC);
  curl_easy_setopt(c.get(), CURLOPT_USERPWD, credentials.c_str());
  return perform(c.get(), url, body);
}

std::string url_escape(const std::string& text) {
  static const char* hex = "0123456789ABCDEF";
  std::string out;
  for (unsigned char c : text) {
    bool unreserved = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
                      c == '-' || c == '.' || c == '_' || c == '~';
    if (unreserved) {
      out += static_cast<char>(c);
    } else {
      out += '%';
      out += hex[c >> 4];
      out += hex[c & 15];
    }
  }
  return out;
}

}  // namespace crud
