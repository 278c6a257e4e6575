// GET /api/users?limit=&after=: a page of users by ascending id (keyset
// pagination), with the link to the next page or null at the end.
#include "crud/json.h"
#include "crud/serve.h"
#include "crud/text.h"

using namespace crud;

constexpr int kDefaultLimit = 20, kMaxLimit = 100;

struct Page {
  std::int64_t limit = kDefaultLimit;
  std::int64_t after = 0;
};

// Reads limit and after; anything else, repeated or out of range is a 400.
static Page parse_page(std::string_view query) {
  Page page;
  bool seen_limit = false, seen_after = false;
  for (const auto& [name, value] : parse_query(query)) {
    bool is_limit = name == "limit";
    if (!is_limit && name != "after") throw ApiError(ErrorCode::invalid_query, name, "unknown");
    bool& seen = is_limit ? seen_limit : seen_after;
    if (seen) throw ApiError(ErrorCode::invalid_query, name, "repeated");
    seen = true;
    auto number = parse_decimal(value);
    if (!number) throw ApiError(ErrorCode::invalid_query, name, "not_an_integer");
    if (is_limit && (*number < 1 || *number > kMaxLimit))
      throw ApiError(ErrorCode::invalid_query, name, "out_of_range");
    (is_limit ? page.limit : page.after) = *number;
  }
  return page;
}

static Response list_users(const Request& req, Context& ctx) {
  require_caller(req, ctx);
  Page page = parse_page(req.query);
  // One extra row tells whether another page exists.
  auto users = ctx.users.list_after(page.after, static_cast<int>(page.limit) + 1);
  bool more = users.size() > static_cast<std::size_t>(page.limit);
  if (more) users.pop_back();

  JsonWriter w;
  w.begin_object().key("users").begin_array();
  for (const auto& u : users) write_user(w, u);
  w.end_array().key("next");
  if (more) {
    w.value("/api/users?limit=" + std::to_string(page.limit) +
            "&after=" + std::to_string(users.back().id));
  } else {
    w.null();
  }
  w.end_object();
  return json_response(200, w.str());
}

int main() { return serve({"list_users", {"GET", "HEAD"}, list_users}); }
