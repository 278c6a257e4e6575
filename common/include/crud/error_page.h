// The error as a page, for a browser that navigated to a route people reach
// by link or redirect (a provider sign-in's start and callback): the same
// status, code and message as the JSON error, in a small self-contained
// HTML page with no script, every text escaped.
#pragma once

#include <string>
#include <string_view>

#include "crud/errors.h"
#include "crud/http.h"

namespace crud {

// Text made safe inside HTML elements and quoted attributes (& < > " ').
std::string html_escape(std::string_view s);

// True when an Accept header ranks text/html above application/json, as a
// browser's navigation does; false for "*/*", no header, or JSON first.
bool prefers_html(std::string_view accept);

// Where the page leads back to: one of the web UI's own views.
struct WayBack {
  const char* href;   // e.g. "/#/login"
  const char* label;  // e.g. "Back to log in"
};

// The page for an error: its status, then message, code, details and
// request id, and a link back into the UI.
Response error_page(const ApiError& error, const std::string& request_id, WayBack back);

}  // namespace crud
