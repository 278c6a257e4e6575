// Error pages for browser navigations (see error_page.h). Nothing from the
// request reaches the page unescaped, and its policy forbids every script,
// style, form, frame and resource: it is plain text in plain HTML.
#include "crud/error_page.h"

#include <cstdlib>

#include "crud/text.h"

namespace crud {

std::string html_escape(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (char ch : s) {
    switch (ch) {
      case '&':
        out += "&amp;";
        break;
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '"':
        out += "&quot;";
        break;
      case '\'':
        out += "&#39;";
        break;
      default:
        out += ch;
    }
  }
  return out;
}

static std::string_view trimmed(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

// The weight ("q", 1 when absent) of one Accept element's parameters; 0
// when it is malformed, so a garbled element never wins.
static double weight_of(std::string_view params) {
  double q = 1;
  while (!params.empty()) {
    auto semicolon = params.find(';');
    std::string_view param = trimmed(params.substr(0, semicolon));
    params = semicolon == std::string_view::npos ? "" : params.substr(semicolon + 1);
    if (param.size() < 2 || (param[0] != 'q' && param[0] != 'Q') || param[1] != '=') continue;
    std::string value(param.substr(2));
    char* end = nullptr;
    q = std::strtod(value.c_str(), &end);
    if (value.empty() || *end != '\0' || q < 0 || q > 1) return 0;
  }
  return q;
}

// The weight Accept gives `type` (e.g. "text/html"): that of its most
// specific matching range (RFC 9110 12.5.1), 0 when none matches.
static double weight_for(std::string_view accept, std::string_view type) {
  std::string_view any_subtype = type.substr(0, type.find('/') + 1);
  int best = -1;
  double weight = 0;
  while (!accept.empty()) {
    auto comma = accept.find(',');
    std::string_view element = accept.substr(0, comma);
    accept = comma == std::string_view::npos ? "" : accept.substr(comma + 1);
    auto semicolon = element.find(';');
    std::string range = ascii_lower(trimmed(element.substr(0, semicolon)));
    int specificity = range == type                             ? 2
                      : range == std::string(any_subtype) + "*" ? 1
                      : range == "*/*"                          ? 0
                                                                : -1;
    if (specificity <= best) continue;
    best = specificity;
    weight = semicolon == std::string_view::npos ? 1 : weight_of(element.substr(semicolon + 1));
  }
  return weight;
}

bool prefers_html(std::string_view accept) {
  return weight_for(accept, "text/html") > weight_for(accept, "application/json");
}

Response error_page(const ApiError& error, const std::string& request_id, WayBack back) {
  int status = error_status(error.code());
  std::string message = html_escape(error_message(error.code()));
  std::string details;
  for (const auto& d : error.details())
    details += "<li><code>" + html_escape(d.field) + "</code>: " + html_escape(d.problem) + "</li>";
  if (!details.empty()) details = "<ul>" + details + "</ul>\n";

  Response r;
  r.status = status;
  r.body =
      "<!doctype html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
      "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n<title>" +
      message + "</title>\n</head>\n<body>\n<main>\n<h1>" + message +
      "</h1>\n<p>Error <code id=\"error-code\">" + html_escape(error_name(error.code())) +
      "</code> (HTTP <span id=\"error-status\">" + std::to_string(status) + "</span> " +
      reason_phrase(status) + ")</p>\n" + details + "<p>Request id <code>" +
      html_escape(request_id) + "</code></p>\n<p><a href=\"" + html_escape(back.href) + "\">" +
      html_escape(back.label) + "</a></p>\n</main>\n</body>\n</html>\n";
  r.with_header("Content-Type", "text/html; charset=utf-8");
  r.with_header("Content-Security-Policy",
                "default-src 'none'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'");
  // The callback's address holds the provider's code and state: never pass it on.
  r.with_header("Referrer-Policy", "no-referrer");
  r.with_header("X-Frame-Options", "DENY");
  return r;
}

}  // namespace crud
