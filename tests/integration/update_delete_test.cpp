// Writes to one user: PUT /api/users/{id} (rename, If-Match preconditions,
// case-insensitive uniqueness, validation that leaves the user untouched) and
// DELETE /api/users/{id}. Reads right after a write must see the write, even
// though reads go through the Redis cache.
#include <gtest/gtest.h>

#include <atomic>
#include <cctype>
#include <string>
#include <thread>
#include <vector>

#include "support/http_client.h"
#include "support/json_checks.h"
#include "support/param_name.h"
#include "support/race.h"
#include "support/test_data.h"

namespace itest {
namespace {

std::string user_path(std::int64_t id) { return "/api/users/" + std::to_string(id); }

std::string username_of(std::int64_t id) {
  return string_member(parse_json(request("GET", user_path(id)).body), "username");
}

std::string flip_case(std::string s) {
  for (auto& c : s) {
    const auto u = static_cast<unsigned char>(c);
    c = static_cast<char>(std::islower(u) ? std::toupper(u) : std::tolower(u));
  }
  return s;
}

TEST(UpdateUser, RenameReturns200AndNewETagAndReadsSeeIt) {
  const auto user = create_user();
  // Read first, so a cached copy exists that the update must not leave stale.
  const auto before = request("GET", user_path(user.id));
  ASSERT_EQ(before.status, 200) << before.describe();
  const std::string old_etag = before.header("ETag").value_or("");

  const std::string new_name = unique_username("Renamed");
  const auto r = request("PUT", user_path(user.id), username_body(new_name));
  ASSERT_TRUE(IsJsonResponse(r, 200));
  const auto doc = parse_json(r.body);
  EXPECT_EQ(string_member(doc, "message"), "User updated successfully");
  EXPECT_EQ(doc.IsObject() ? doc.MemberCount() : 0u, 1u) << r.body;
  const auto new_etag = r.header("ETag");
  ASSERT_TRUE(new_etag.has_value()) << r.describe();
  EXPECT_TRUE(is_strong_etag(*new_etag)) << *new_etag;
  EXPECT_NE(*new_etag, old_etag);

  const auto after = request("GET", user_path(user.id));
  ASSERT_TRUE(IsJsonResponse(after, 200));
  const auto read = parse_json(after.body);
  EXPECT_EQ(string_member(read, "username"), new_name);
  EXPECT_EQ(after.header("ETag"), new_etag) << "the ETag PUT returned is the resource's ETag";
  EXPECT_GE(string_member(read, "updated_at"), string_member(read, "created_at"));
  EXPECT_EQ(string_member(read, "created_at"),
            string_member(parse_json(before.body), "created_at"));
}

TEST(UpdateUser, OldNameIsFreeAfterRename) {
  const auto user = create_user();
  ASSERT_EQ(request("PUT", user_path(user.id), username_body(unique_username("New"))).status, 200);
  const auto r =
      request("POST", "/api/register", credentials_body(user.username, strong_password()));
  EXPECT_TRUE(IsJsonResponse(r, 201));
}

TEST(UpdateUser, IfMatchCurrentETagSucceeds) {
  const auto user = create_user();
  const std::string name = unique_username("Matched");
  const auto r = request("PUT", user_path(user.id), username_body(name),
                         {{"If-Match", current_etag(user.id)}});
  EXPECT_TRUE(IsJsonResponse(r, 200));
  EXPECT_EQ(username_of(user.id), name);
}

TEST(UpdateUser, IfMatchStaleETagIs412AndChangesNothing) {
  const auto user = create_user();
  const std::string stale = current_etag(user.id);
  const std::string first = unique_username("First");
  ASSERT_EQ(request("PUT", user_path(user.id), username_body(first)).status, 200);
  const std::string etag_after_first = current_etag(user.id);

  // A second writer still holding the old ETag loses.
  const auto r = request("PUT", user_path(user.id), username_body(unique_username("Second")),
                         {{"If-Match", stale}});
  EXPECT_TRUE(IsApiError(r, 412, "precondition_failed"));
  EXPECT_EQ(username_of(user.id), first);
  EXPECT_EQ(current_etag(user.id), etag_after_first);
}

TEST(UpdateUser, IfMatchMadeUpETagIs412) {
  const auto user = create_user();
  const auto r = request("PUT", user_path(user.id), username_body(unique_username("Nope")),
                         {{"If-Match", "\"made-up\""}});
  EXPECT_TRUE(IsApiError(r, 412, "precondition_failed"));
  EXPECT_EQ(username_of(user.id), user.username);
}

TEST(UpdateUser, IfMatchStarMatchesAnyExistingUser) {
  const auto user = create_user();
  const std::string name = unique_username("Star");
  const auto r = request("PUT", user_path(user.id), username_body(name), {{"If-Match", "*"}});
  EXPECT_TRUE(IsJsonResponse(r, 200));
  EXPECT_EQ(username_of(user.id), name);
}

TEST(UpdateUser, TakenNameInAnyCaseIs409AndChangesNothing) {
  const auto user = create_user(unique_username("Mine"));
  const auto other = create_user(unique_username("Theirs"));
  const std::string etag = current_etag(user.id);
  for (const auto& taken : {other.username, flip_case(other.username)}) {
    const auto r = request("PUT", user_path(user.id), username_body(taken));
    EXPECT_TRUE(IsApiError(r, 409, "username_taken")) << taken;
  }
  EXPECT_EQ(username_of(user.id), user.username);
  EXPECT_EQ(username_of(other.id), other.username);
  EXPECT_EQ(current_etag(user.id), etag);
}

TEST(UpdateUser, OwnNameInAnotherCaseIsAllowed) {
  const auto user = create_user(unique_username("Case"));
  const std::string recased = flip_case(user.username);
  const auto r = request("PUT", user_path(user.id), username_body(recased));
  EXPECT_TRUE(IsJsonResponse(r, 200));
  EXPECT_EQ(username_of(user.id), recased) << "stored as typed";
}

TEST(UpdateUser, SameNameAgainIs200) {
  const auto user = create_user();
  const auto r = request("PUT", user_path(user.id), username_body(user.username));
  EXPECT_TRUE(IsJsonResponse(r, 200));
  EXPECT_EQ(username_of(user.id), user.username);
}

// Two writers holding the same ETag: the second must not overwrite the first.
TEST(UpdateUser, ConcurrentPutsWithSameETagOneWins) {
  for (int round = 0; round < 5; ++round) {
    const auto user = create_user();
    const std::string etag = current_etag(user.id);
    const std::string names[] = {unique_username("RaceA"), unique_username("RaceB")};
    auto put = [&](const std::string& name) {
      return request("PUT", user_path(user.id), username_body(name), {{"If-Match", etag}});
    };
    int winner = -1;
    const auto results = race([&] { return put(names[0]); }, [&] { return put(names[1]); });
    ASSERT_TRUE(OneWinsOneLoses(results, 200, 412, "precondition_failed", &winner))
        << "round " << round;
    EXPECT_EQ(username_of(user.id), names[winner]);
  }
}

TEST(UpdateUser, ConcurrentRenamesToOneNameOneWins) {
  for (int round = 0; round < 5; ++round) {
    const auto a = create_user();
    const auto b = create_user();
    const std::string name = unique_username("Wanted");
    const auto results =
        race([&] { return request("PUT", user_path(a.id), username_body(name)); },
             [&] { return request("PUT", user_path(b.id), username_body(flip_case(name))); });
    EXPECT_TRUE(OneWinsOneLoses(results, 200, 409, "username_taken")) << "round " << round;
  }
}

// Every read after the PUT returned sees the new name, on every read worker,
// even while other readers keep refilling the cache.
TEST(UpdateUser, ReadsNeverSeeOldNameAfterUpdateReturns) {
  const auto user = create_user();
  std::atomic<bool> stop{false};
  std::atomic<int> reader_errors{0};
  std::vector<std::thread> readers;
  for (int i = 0; i < 2; ++i) {
    readers.emplace_back([&] {
      while (!stop) {
        if (request("GET", user_path(user.id)).status != 200) ++reader_errors;
      }
    });
  }
  for (int round = 0; round < 20; ++round) {
    const std::string name = unique_username("Fresh");
    const auto put = request("PUT", user_path(user.id), username_body(name));
    ASSERT_EQ(put.status, 200) << put.describe();
    for (int read = 0; read < 4; ++read) {
      ASSERT_EQ(username_of(user.id), name) << "round " << round << ", read " << read;
    }
  }
  stop = true;
  for (auto& reader : readers) reader.join();
  EXPECT_EQ(reader_errors, 0);
}

// Bodies PUT must refuse; the user must stay exactly as it was.
struct BadUpdate {
  const char* reason;
  std::string body;
  int status;
  const char* code;
  Details details;  // checked exactly when not empty
};

const BadUpdate kBadUpdates[] = {
    {"username_too_short",
     R"({"username":"ab"})",
     422,
     "validation_failed",
     {{"username", "too_short"}}},
    {"username_too_long",
     R"({"username":"abcdefghijklmnopqrstuvwxyz0123456"})",
     422,
     "validation_failed",
     {{"username", "too_long"}}},
    {"username_bad_characters",
     R"({"username":"no spaces please"})",
     422,
     "validation_failed",
     {{"username", "invalid_characters"}}},
    {"username_number",
     R"({"username":42})",
     400,
     "invalid_type",
     {{"username", "must_be_string"}}},
    {"username_null",
     R"({"username":null})",
     400,
     "invalid_type",
     {{"username", "must_be_string"}}},
    {"username_array",
     R"({"username":["a","b","c"]})",
     400,
     "invalid_type",
     {{"username", "must_be_string"}}},
    {"username_missing", R"({})", 400, "missing_field", {{"username", "missing"}}},
    {"password_is_not_updatable_here",
     R"({"username":"whatever1","password":"correct-horse-9"})",
     400,
     "unknown_field",
     {{"password", "unknown"}}},
    {"unknown_field",
     R"({"username":"whatever2","nickname":"x"})",
     400,
     "unknown_field",
     {{"nickname", "unknown"}}},
    {"duplicate_key",
     R"({"username":"whatever3","username":"whatever4"})",
     400,
     "duplicate_field",
     {}},
    {"malformed_json", R"({"username":)", 400, "invalid_json", {}},
    {"array_body", R"(["username"])", 400, "body_not_object", {}},
    {"empty_body", "", 400, "missing_body", {}},
};

class UpdateRejects : public testing::TestWithParam<BadUpdate> {};

TEST_P(UpdateRejects, ReturnsErrorAndLeavesUserUnchanged) {
  const auto& row = GetParam();
  const auto user = create_user();
  const std::string etag = current_etag(user.id);
  const auto r = request("PUT", user_path(user.id), row.body);
  EXPECT_TRUE(IsApiError(r, row.status, row.code)) << row.reason;
  if (!row.details.empty()) {
    EXPECT_TRUE(HasDetails(r, row.details)) << row.reason;
  }
  EXPECT_EQ(username_of(user.id), user.username);
  EXPECT_EQ(current_etag(user.id), etag);
}

INSTANTIATE_TEST_SUITE_P(Bodies, UpdateRejects, testing::ValuesIn(kBadUpdates), ReasonName());

TEST(DeleteUser, Returns204ThenTheUserIsGone) {
  const auto user = create_user();
  ASSERT_EQ(request("GET", user_path(user.id)).status, 200);  // warm the cache

  const auto r = request("DELETE", user_path(user.id));
  EXPECT_EQ(r.status, 204) << r.describe();
  EXPECT_TRUE(r.body.empty()) << r.describe();
  EXPECT_TRUE(HasCommonHeaders(r));

  EXPECT_TRUE(IsApiError(request("GET", user_path(user.id)), 404, "not_found"));
  EXPECT_TRUE(IsApiError(request("DELETE", user_path(user.id)), 404, "not_found"));
  EXPECT_TRUE(IsApiError(request("PUT", user_path(user.id), username_body(unique_username("Z"))),
                         404, "not_found"));
  EXPECT_EQ(request("HEAD", user_path(user.id)).status, 404);
  EXPECT_FALSE(find_in_list(user.id - 1, user.username).has_value()) << "still listed";
}

TEST(DeleteUser, ConcurrentDeletesOneWins) {
  for (int round = 0; round < 5; ++round) {
    const auto user = create_user();
    auto del = [&] { return request("DELETE", user_path(user.id)); };
    EXPECT_TRUE(OneWinsOneLoses(race(del, del), 204, 404, "not_found")) << "round " << round;
  }
}

TEST(DeleteUser, EveryReadAfterDeleteIs404) {
  const auto user = create_user();
  for (int i = 0; i < 8; ++i) ASSERT_EQ(request("GET", user_path(user.id)).status, 200);
  ASSERT_EQ(request("DELETE", user_path(user.id)).status, 204);
  // Several read workers: none may answer from a stale copy.
  for (int i = 0; i < 8; ++i) {
    EXPECT_TRUE(IsApiError(request("GET", user_path(user.id)), 404, "not_found")) << "read " << i;
  }
}

TEST(DeleteUser, OnlyTheTargetIsDeleted) {
  const auto gone = create_user();
  const auto kept = create_user();
  ASSERT_EQ(request("DELETE", user_path(gone.id)).status, 204);
  EXPECT_EQ(username_of(kept.id), kept.username);
}

TEST(DeleteUser, NonExistentIdIs404) {
  EXPECT_TRUE(IsApiError(request("DELETE", "/api/users/9223372036854775807"), 404, "not_found"));
}

}  // namespace
}  // namespace itest
