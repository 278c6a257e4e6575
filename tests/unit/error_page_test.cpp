// Error pages for browser navigations: which Accept headers get one, HTML
// escaping, and that the page keeps the error's status and code with every
// text escaped.
#include "crud/error_page.h"

#include <gtest/gtest.h>

#include <string>

using namespace crud;

namespace {

struct AcceptCase {
  const char* accept;
  bool html;
  const char* reason;
};

TEST(PrefersHtml, Table) {
  const AcceptCase cases[] = {
      {"text/html,application/xhtml+xml,application/xml;q=0.9,image/avif,image/webp,"
       "image/apng,*/*;q=0.8,application/signed-exchange;v=b3;q=0.7",
       true, "Chromium's navigation"},
      {"text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8", true,
       "Firefox's navigation"},
      {"", false, "no header"},
      {"*/*", false, "curl and fetch: anything goes, JSON it is"},
      {"application/json", false, "a JSON client"},
      {"application/json, text/html;q=0.5", false, "JSON preferred"},
      {"text/html;q=0.5, application/json;q=0.4", true, "HTML preferred by weight"},
      {"text/html;q=0.5, application/json;q=0.5", false, "a tie stays JSON"},
      {"text/*, application/json;q=0.9", true, "a type range"},
      {"TEXT/HTML", true, "case-insensitive"},
      {"text/html;q=0", false, "refused outright"},
      {"text/html;q=banana", false, "a malformed weight never wins"},
      {"text/html;q=2", false, "a weight above 1 is malformed"},
      {"text/html;level=1", true, "other parameters ignored"},
      {" text/html ; q=0.9 ,application/json;q=0.1", true, "spaces around elements"},
      {"text/htmlx", false, "not text/html"},
      {"text/html, application/json, */*;q=0.1", false, "equal first choices: JSON"},
  };
  for (const auto& c : cases) EXPECT_EQ(prefers_html(c.accept), c.html) << c.reason;
}

TEST(HtmlEscape, EveryMarkupCharacter) {
  EXPECT_EQ(html_escape("plain text"), "plain text");
  EXPECT_EQ(html_escape("<script>alert('x')</script>"),
            "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;");
  EXPECT_EQ(html_escape("a=\"b\" & c"), "a=&quot;b&quot; &amp; c");
  EXPECT_EQ(html_escape("&amp;"), "&amp;amp;") << "escaped text is escaped again";
}

TEST(ErrorPage, KeepsStatusAndCodeAndEscapes) {
  ApiError error(ErrorCode::invalid_query, "<b>tokens</b>", "must be \"1\"");
  Response r = error_page(error, "req<1>", {"/#/login", "Back to log in"});
  EXPECT_EQ(r.status, 400);
  EXPECT_NE(r.body.find("<code id=\"error-code\">invalid_query</code>"), std::string::npos);
  EXPECT_NE(r.body.find("<span id=\"error-status\">400</span> Bad Request"), std::string::npos);
  EXPECT_NE(r.body.find("A query parameter is not valid."), std::string::npos);
  EXPECT_NE(r.body.find("&lt;b&gt;tokens&lt;/b&gt;"), std::string::npos) << "details escaped";
  EXPECT_NE(r.body.find("must be &quot;1&quot;"), std::string::npos);
  EXPECT_NE(r.body.find("req&lt;1&gt;"), std::string::npos) << "request id escaped";
  EXPECT_EQ(r.body.find("<b>"), std::string::npos);
  EXPECT_EQ(r.body.find("<script"), std::string::npos);
  EXPECT_NE(r.body.find("<a href=\"/#/login\">Back to log in</a>"), std::string::npos);
}

TEST(ErrorPage, ForbidsScriptsFramesAndReferrers) {
  Response r = error_page(ApiError(ErrorCode::sign_in_expired), "r1", {"/#/login", "Back"});
  auto header = [&](const std::string& name) {
    for (const auto& h : r.headers)
      if (h.first == name) return h.second;
    return std::string();
  };
  EXPECT_EQ(header("Content-Type"), "text/html; charset=utf-8");
  EXPECT_EQ(header("Content-Security-Policy"),
            "default-src 'none'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'");
  EXPECT_EQ(header("Referrer-Policy"), "no-referrer");
  EXPECT_EQ(header("X-Frame-Options"), "DENY");
}

}  // namespace
