// libcurl wrapper behind request() (see http_client.h).
#include "support/http_client.h"

#include <curl/curl.h>

#include <cctype>
#include <memory>
#include <mutex>
#include <stdexcept>

#include "support/admin.h"
#include "support/stack_env.h"

namespace itest {
namespace {

std::string trim(const std::string& s) {
  const auto first = s.find_first_not_of(" \t\r\n");
  if (first == std::string::npos) return {};
  const auto last = s.find_last_not_of(" \t\r\n");
  return s.substr(first, last - first + 1);
}

size_t collect_body(char* data, size_t size, size_t count, void* user) {
  static_cast<std::string*>(user)->append(data, size * count);
  return size * count;
}

size_t collect_header(char* data, size_t size, size_t count, void* user) {
  add_header_line(*static_cast<HeaderList*>(user), std::string(data, size * count));
  return size * count;
}

void append_header(curl_slist*& list, const std::string& line) {
  curl_slist* grown = curl_slist_append(list, line.c_str());
  if (grown == nullptr) throw std::runtime_error("curl_slist_append failed");
  list = grown;
}

}  // namespace

void add_header_line(HeaderList& headers, const std::string& line) {
  // A new status line starts a new header block (e.g. after "100 Continue").
  if (line.rfind("HTTP/", 0) == 0) {
    headers.clear();
    return;
  }
  const auto colon = line.find(':');
  if (colon != std::string::npos) {
    headers.emplace_back(trim(line.substr(0, colon)), trim(line.substr(colon + 1)));
  }
}

bool iequals(const std::string& a, const std::string& b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    if (std::tolower(static_cast<unsigned char>(a[i])) !=
        std::tolower(static_cast<unsigned char>(b[i]))) {
      return false;
    }
  }
  return true;
}

std::optional<std::string> Response::header(const std::string& name) const {
  for (const auto& [key, value] : headers) {
    if (iequals(key, name)) return value;
  }
  return std::nullopt;
}

std::vector<std::string> Response::header_values(const std::string& name) const {
  std::vector<std::string> values;
  for (const auto& [key, value] : headers) {
    if (iequals(key, name)) values.push_back(value);
  }
  return values;
}

std::string Response::describe() const {
  std::string text = method + " " + path + " -> " + std::to_string(status) + "\n";
  for (const auto& [key, value] : headers) text += "  " + key + ": " + value + "\n";
  const size_t shown = 2000;
  text += "  body: " + body.substr(0, shown);
  if (body.size() > shown) text += "...(" + std::to_string(body.size()) + " bytes)";
  return text;
}

Response request(const std::string& method, const std::string& path,
                 const std::optional<std::string>& body, const HeaderList& headers) {
  return request_via(Transport{}, method, path, body, headers);
}

Response request_via(const Transport& transport, const std::string& method, const std::string& path,
                     const std::optional<std::string>& body, const HeaderList& headers) {
  static std::once_flag curl_ready;
  std::call_once(curl_ready, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });

  // A caller that brings credentials (or opts out with an empty Authorization)
  // gets none added; everyone else acts as this process's admin.
  bool brings_credentials = false;
  for (const auto& [name, value] : headers) {
    if (iequals(name, "Authorization") || iequals(name, "Cookie")) brings_credentials = true;
  }
  const std::string admin_token = brings_credentials ? "" : shared_admin().access_token;

  std::unique_ptr<CURL, decltype(&curl_easy_cleanup)> curl(curl_easy_init(), curl_easy_cleanup);
  if (!curl) throw std::runtime_error("curl_easy_init failed");
  CURL* h = curl.get();

  Response response;
  response.method = method;
  response.path = path;
  const std::string url =
      (transport.base_url.empty() ? stack_env().base_url : transport.base_url) + path;

  curl_easy_setopt(h, CURLOPT_URL, url.c_str());
  curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(h, CURLOPT_CONNECTTIMEOUT, 5L);
  curl_easy_setopt(h, CURLOPT_TIMEOUT, 10L);
  // Send odd paths such as /api/users/%20 or /a/../b exactly as written.
  curl_easy_setopt(h, CURLOPT_PATH_AS_IS, 1L);
  curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, collect_body);
  curl_easy_setopt(h, CURLOPT_WRITEDATA, &response.body);
  curl_easy_setopt(h, CURLOPT_HEADERFUNCTION, collect_header);
  curl_easy_setopt(h, CURLOPT_HEADERDATA, &response.headers);
  // The detail behind a transport error (e.g. the TLS alert a server sent).
  char error_detail[CURL_ERROR_SIZE] = "";
  curl_easy_setopt(h, CURLOPT_ERRORBUFFER, error_detail);
  if (transport.accept_self_signed) {
    curl_easy_setopt(h, CURLOPT_SSL_VERIFYPEER, 0L);
    curl_easy_setopt(h, CURLOPT_SSL_VERIFYHOST, 0L);
  }
  if (transport.ssl_version != 0) curl_easy_setopt(h, CURLOPT_SSLVERSION, transport.ssl_version);
  if (!transport.ssl_ciphers.empty()) {
    curl_easy_setopt(h, CURLOPT_SSL_CIPHER_LIST, transport.ssl_ciphers.c_str());
  }

  if (method == "HEAD") {
    curl_easy_setopt(h, CURLOPT_NOBODY, 1L);
  } else if (method != "GET" || body) {
    curl_easy_setopt(h, CURLOPT_CUSTOMREQUEST, method.c_str());
  }
  if (body) {
    curl_easy_setopt(h, CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(body->size()));
    curl_easy_setopt(h, CURLOPT_POSTFIELDS, body->data());
  }

  curl_slist* list = nullptr;
  std::unique_ptr<curl_slist*, void (*)(curl_slist**)> list_guard(
      &list, [](curl_slist** l) { curl_slist_free_all(*l); });
  bool has_content_type = false;
  for (const auto& [name, value] : headers) {
    if (iequals(name, "Content-Type")) has_content_type = true;
    append_header(list, name + ":" + (value.empty() ? "" : " " + value));
  }
  if (!admin_token.empty()) append_header(list, "Authorization: Bearer " + admin_token);
  // curl would label a body as a form; the API speaks JSON.
  if (body && !has_content_type) append_header(list, "Content-Type: application/json");
  // No "Expect: 100-continue" round trip: nginx must answer the body as sent.
  append_header(list, "Expect:");
  curl_easy_setopt(h, CURLOPT_HTTPHEADER, list);

  const CURLcode rc = curl_easy_perform(h);
  if (rc != CURLE_OK) {
    throw std::runtime_error(method + " " + url + " failed: " + curl_easy_strerror(rc) + " (" +
                             error_detail + ")");
  }
  long status = 0;
  curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &status);
  response.status = static_cast<int>(status);
  return response;
}

}  // namespace itest
