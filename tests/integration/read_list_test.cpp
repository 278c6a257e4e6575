// Reading: GET/HEAD /api/users/{id} with its strong ETag and conditional GET,
// and the keyset-paginated list GET /api/users?limit=&after= with its "next"
// link and strict query validation.
#include <gtest/gtest.h>

#include <algorithm>
#include <ctime>
#include <string>
#include <vector>

#include "support/http_client.h"
#include "support/json_checks.h"
#include "support/param_name.h"
#include "support/test_data.h"

namespace itest {
namespace {

std::string user_path(std::int64_t id) { return "/api/users/" + std::to_string(id); }

// Seconds between an RFC 3339 UTC timestamp and now.
long long seconds_from_now(const std::string& stamp) {
  std::tm tm{};
  if (!strptime(stamp.c_str(), "%Y-%m-%dT%H:%M:%SZ", &tm)) return 1LL << 40;
  const auto then = static_cast<long long>(timegm(&tm));
  const auto now = static_cast<long long>(std::time(nullptr));
  return then > now ? then - now : now - then;
}

TEST(ReadUser, Returns200WithRepresentationAndStrongETag) {
  const auto user = create_user();
  const auto r = request("GET", user_path(user.id));
  ASSERT_TRUE(IsJsonResponse(r, 200));
  const auto doc = parse_json(r.body);
  ASSERT_TRUE(IsUserRepresentation(doc)) << r.describe();
  EXPECT_EQ(int64_member(doc, "user_id"), user.id);
  EXPECT_EQ(string_member(doc, "username"), user.username);
  // Same clock on this host: a fresh user was created moments ago.
  EXPECT_LE(seconds_from_now(string_member(doc, "created_at")), 300) << r.body;
  EXPECT_GE(string_member(doc, "updated_at"), string_member(doc, "created_at"));
  // The password, or its hash, never leaves the service.
  EXPECT_EQ(r.body.find(user.password), std::string::npos);
  EXPECT_EQ(r.body.find("argon2"), std::string::npos);

  const auto etag = r.header("ETag");
  ASSERT_TRUE(etag.has_value()) << r.describe();
  EXPECT_TRUE(is_strong_etag(*etag)) << *etag;
  // Unchanged resource, unchanged validator.
  EXPECT_EQ(request("GET", user_path(user.id)).header("ETag"), etag);
}

TEST(ReadUser, IfNoneMatchCurrentETagIs304WithoutBody) {
  const auto user = create_user();
  const std::string etag = current_etag(user.id);
  const auto r = request("GET", user_path(user.id), std::nullopt, {{"If-None-Match", etag}});
  EXPECT_EQ(r.status, 304) << r.describe();
  EXPECT_TRUE(r.body.empty()) << r.describe();
  EXPECT_EQ(r.header("ETag").value_or(""), etag);
  EXPECT_TRUE(HasCommonHeaders(r));
}

TEST(ReadUser, IfNoneMatchOtherETagIs200) {
  const auto user = create_user();
  const auto r = request("GET", user_path(user.id), std::nullopt,
                         {{"If-None-Match", "\"not-the-current-etag\""}});
  ASSERT_TRUE(IsJsonResponse(r, 200));
  EXPECT_EQ(string_member(parse_json(r.body), "username"), user.username);
}

TEST(ReadUser, HeadIsGetWithoutBody) {
  const auto user = create_user();
  const auto get = request("GET", user_path(user.id));
  const auto head = request("HEAD", user_path(user.id));
  ASSERT_TRUE(IsJsonResponse(head, 200));
  EXPECT_TRUE(head.body.empty());
  EXPECT_EQ(head.header("ETag"), get.header("ETag"));
}

TEST(ReadUser, HeadOfListIs200WithoutBody) {
  const auto head = request("HEAD", "/api/users?limit=1");
  ASSERT_TRUE(IsJsonResponse(head, 200));
  EXPECT_TRUE(head.body.empty());
}

TEST(ReadUser, NonExistentIdIs404) {
  const auto r = request("GET", "/api/users/9223372036854775807");
  EXPECT_TRUE(IsApiError(r, 404, "not_found"));
  const auto head = request("HEAD", "/api/users/9223372036854775807");
  EXPECT_EQ(head.status, 404) << head.describe();
  EXPECT_TRUE(head.body.empty());
}

// One page of GET /api/users, checked for shape; ids collected in order.
struct Page {
  std::vector<std::int64_t> ids;
  std::optional<std::string> next;  // nullopt when "next" is JSON null
};

Page get_page(const std::string& path) {
  const auto r = request("GET", path);
  Page page;
  EXPECT_TRUE(IsJsonResponse(r, 200));
  const auto doc = parse_json(r.body);
  if (!doc.IsObject() || doc.MemberCount() != 2 || !doc.HasMember("users") ||
      !doc["users"].IsArray() || !doc.HasMember("next")) {
    ADD_FAILURE() << "want {\"users\": [...], \"next\": ...}\n" << r.describe();
    return page;
  }
  for (const auto& user : doc["users"].GetArray()) {
    EXPECT_TRUE(IsUserRepresentation(user)) << r.describe();
    page.ids.push_back(int64_member(user, "user_id").value_or(0));
  }
  if (doc["next"].IsString()) {
    page.next = doc["next"].GetString();
  } else {
    EXPECT_TRUE(doc["next"].IsNull()) << "next is neither a string nor null\n" << r.describe();
  }
  return page;
}

std::string list_path(int limit, std::int64_t after) {
  return "/api/users?limit=" + std::to_string(limit) + "&after=" + std::to_string(after);
}

TEST(ListUsers, ItemsHaveTheSameShapeAsReadOne) {
  const auto user = create_user();
  const auto r = request("GET", list_path(1, user.id - 1));
  ASSERT_TRUE(IsJsonResponse(r, 200));
  const auto doc = parse_json(r.body);
  ASSERT_TRUE(doc.IsObject() && doc.HasMember("users") && doc["users"].IsArray() &&
              doc["users"].Size() == 1)
      << r.describe();
  const auto one = parse_json(request("GET", "/api/users/" + std::to_string(user.id)).body);
  const auto& listed = doc["users"][0];
  EXPECT_TRUE(listed == one) << "list item differs from GET /api/users/{id}\n" << r.body;
}

// Keyset pages: ascending ids, each > after, at most `limit`, and "next" is
// exactly the same query continuing after the page's last id.
TEST(ListUsers, FollowsNextLinksInAscendingIdOrder) {
  const auto a = create_user();
  const auto b = create_user();
  const auto c = create_user();
  std::string path = list_path(2, a.id - 1);
  std::vector<std::int64_t> seen;
  for (int pages = 0; pages < 1000; ++pages) {
    const Page page = get_page(path);
    ASSERT_LE(page.ids.size(), 2u) << path;
    if (page.next) {
      ASSERT_EQ(page.ids.size(), 2u) << "a page with a next link must be full: " << path;
      EXPECT_EQ(*page.next, list_path(2, page.ids.back()));
    }
    seen.insert(seen.end(), page.ids.begin(), page.ids.end());
    // Users made by tests running meanwhile may follow; c is enough.
    if (!page.next || std::find(seen.begin(), seen.end(), c.id) != seen.end()) break;
    path = *page.next;
  }
  ASSERT_GE(seen.size(), 3u);
  EXPECT_EQ(seen[0], a.id) << "the first page starts right after `after`";
  for (size_t i = 1; i < seen.size(); ++i) EXPECT_LT(seen[i - 1], seen[i]) << "at " << i;
  const auto has = [&](std::int64_t id) {
    return std::find(seen.begin(), seen.end(), id) != seen.end();
  };
  EXPECT_TRUE(has(b.id));
  EXPECT_TRUE(has(c.id));
}

TEST(ListUsers, DefaultLimitIs20) {
  // Make sure at least 21 users follow `first` so the page is full.
  const auto first = create_user();
  for (int i = 0; i < 20; ++i) create_user();
  const Page page = get_page("/api/users?after=" + std::to_string(first.id - 1));
  ASSERT_EQ(page.ids.size(), 20u);
  EXPECT_EQ(page.ids.front(), first.id);
  EXPECT_EQ(page.next.value_or("null"), list_path(20, page.ids.back()));
  // And without any parameter at all.
  EXPECT_EQ(get_page("/api/users").ids.size(), 20u);
}

TEST(ListUsers, LimitBoundsAreAccepted) {
  const auto user = create_user();
  const Page one = get_page(list_path(1, user.id - 1));
  ASSERT_EQ(one.ids.size(), 1u);
  EXPECT_EQ(one.ids[0], user.id);
  EXPECT_LE(get_page("/api/users?limit=100").ids.size(), 100u);
  EXPECT_LE(get_page("/api/users?after=0").ids.size(), 20u);
}

TEST(ListUsers, PastTheLastIdIsEmptyWithNullNext) {
  const Page page = get_page(list_path(5, 9223372036854775807LL));
  EXPECT_TRUE(page.ids.empty());
  EXPECT_FALSE(page.next.has_value());
}

TEST(ListUsers, ShortLastPageHasNullNext) {
  const auto user = create_user();
  // Walk from the newest user we know with the largest page: ends quickly.
  std::string path = list_path(100, user.id - 1);
  for (int pages = 0; pages < 1000; ++pages) {
    const Page page = get_page(path);
    if (page.ids.size() < 100) {
      EXPECT_FALSE(page.next.has_value()) << "a short page is the last page: " << path;
      return;
    }
    ASSERT_TRUE(page.next.has_value());
    path = *page.next;
  }
  FAIL() << "the list did not end";
}

struct BadQuery {
  const char* reason;
  const char* query;
};

const BadQuery kBadQueries[] = {
    {"limit_zero", "limit=0"},
    {"limit_101", "limit=101"},
    {"limit_negative", "limit=-1"},
    {"limit_not_integer", "limit=abc"},
    {"limit_fraction", "limit=1.5"},
    {"limit_empty", "limit="},
    {"limit_trailing_garbage", "limit=10x"},
    {"limit_huge", "limit=99999999999999999999"},
    {"after_negative", "after=-1"},
    {"after_not_integer", "after=abc"},
    {"after_beyond_int64", "after=9223372036854775808"},
    {"after_empty", "after="},
    {"limit_repeated", "limit=1&limit=2"},
    {"after_repeated", "after=1&after=2"},
    {"unknown_parameter", "foo=1"},
    {"unknown_next_to_valid", "limit=5&offset=10"},
};

class ListRejectsQuery : public testing::TestWithParam<BadQuery> {};

TEST_P(ListRejectsQuery, Returns400InvalidQuery) {
  const auto r = request("GET", std::string("/api/users?") + GetParam().query);
  EXPECT_TRUE(IsApiError(r, 400, "invalid_query")) << GetParam().reason;
}

INSTANTIATE_TEST_SUITE_P(Query, ListRejectsQuery, testing::ValuesIn(kBadQueries), ReasonName());

}  // namespace
}  // namespace itest
