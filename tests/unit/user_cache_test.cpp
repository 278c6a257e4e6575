// The user cache's stored value (UserCache::encode/decode) and the live
// event's body (event_json): pure functions whose output other processes read.
#include "crud/user_cache.h"

#include <gtest/gtest.h>
#include <rapidjson/document.h>

#include <algorithm>
#include <cstdint>
#include <limits>
#include <string>

#include "crud/events.h"

using namespace crud;

// Test types stay local: another test file may define its own with the same name.
namespace {

User make_user(std::int64_t id, std::int64_t version, std::string username) {
  User u;
  u.id = id;
  u.version = version;
  u.username = std::move(username);
  u.role = "user";
  u.created_at = "2024-01-01T12:00:00Z";
  u.updated_at = "2024-02-29T23:59:59Z";
  return u;
}

TEST(UserCacheEncoding, IsVersionTimestampsAndUsernameOnLines) {
  // The Lua script in user_cache.cpp reads the version as the digits before
  // the first newline: the layout is a contract, not a detail.
  EXPECT_EQ(UserCache::encode(make_user(5, 7, "bob")),
            "7\n2024-01-01T12:00:00Z\n2024-02-29T23:59:59Z\nbob");
}

struct RoundTripCase {
  User user;
  const char* reason;
};

TEST(UserCacheEncoding, DecodeGivesBackWhatEncodeStored) {
  const std::int64_t max = std::numeric_limits<std::int64_t>::max();
  const RoundTripCase cases[] = {
      {make_user(1, 1, "bob"), "a fresh user"},
      {make_user(42, 123456, "A.b-c_9"), "every username character class"},
      {make_user(max, max, std::string(32, 'z')), "largest id and version, longest name"},
      {make_user(7, 0, "zero"), "version 0"},
  };
  for (const auto& c : cases) {
    const auto back = UserCache::decode(c.user.id, UserCache::encode(c.user));
    ASSERT_TRUE(back.has_value()) << c.reason;
    EXPECT_EQ(back->id, c.user.id) << c.reason;
    EXPECT_EQ(back->version, c.user.version) << c.reason;
    EXPECT_EQ(back->username, c.user.username) << c.reason;
    EXPECT_EQ(back->created_at, c.user.created_at) << c.reason;
    EXPECT_EQ(back->updated_at, c.user.updated_at) << c.reason;
    EXPECT_EQ(back->role, "") << c.reason << ": the role is not cached";
  }
}

TEST(UserCacheEncoding, DecodeTakesTheIdFromTheKeyNotTheValue) {
  const auto back = UserCache::decode(99, UserCache::encode(make_user(5, 3, "bob")));
  ASSERT_TRUE(back.has_value());
  EXPECT_EQ(back->id, 99);
}

struct MalformedCase {
  std::string value;
  const char* reason;
};

// Whatever else sits under a cache key (an older layout, a tombstone, a
// truncated write) is a miss, never a user made of the wrong parts.
TEST(UserCacheEncoding, DecodeRefusesMalformedValues) {
  const std::string stamps = "\n2024-01-01T12:00:00Z\n2024-01-01T12:00:00Z\n";
  const MalformedCase cases[] = {
      {"", "empty"},
      {"deleted", "the tombstone"},
      {"7", "version only"},
      {"7\n2024-01-01T12:00:00Z\n2024-01-01T12:00:00Z", "no username line"},
      {"7" + stamps, "empty username"},
      {stamps.substr(1) + "bob", "version line missing"},
      {"" + stamps + "bob", "empty version"},
      {"x7" + stamps + "bob", "version not a number"},
      {"-7" + stamps + "bob", "negative version"},
      {"+7" + stamps + "bob", "version with a sign"},
      {" 7" + stamps + "bob", "version with a space"},
      {"07" + stamps + "bob", "version with a leading zero"},
      {"7.0" + stamps + "bob", "fractional version"},
      {"9223372036854775808" + stamps + "bob", "version beyond 2^63-1"},
      {"99999999999999999999" + stamps + "bob", "version of 20 digits"},
  };
  for (const auto& c : cases) {
    const auto back = UserCache::decode(1, c.value);
    if (back) {
      ADD_FAILURE() << c.reason << ": decoded to version " << back->version << ", username \""
                    << back->username << "\"";
    }
  }
}

struct TypeCase {
  UserChange change;
  const char* type;
};

rapidjson::Document parse(const std::string& text) {
  rapidjson::Document doc;
  doc.Parse(text.c_str(), text.size());
  return doc;
}

TEST(EventJson, TypeNames) {
  const TypeCase cases[] = {
      {UserChange::created, "user.created"},
      {UserChange::updated, "user.updated"},
      {UserChange::deleted, "user.deleted"},
  };
  for (const auto& c : cases) {
    EXPECT_STREQ(event_type(c.change), c.type);
    const auto doc = parse(event_json(c.change, make_user(3, 1, "bob")));
    ASSERT_TRUE(doc.IsObject()) << c.type;
    ASSERT_TRUE(doc.HasMember("type") && doc["type"].IsString()) << c.type;
    EXPECT_STREQ(doc["type"].GetString(), c.type);
  }
}

TEST(EventJson, HasExactlyTypeUserIdUsernameAndAt) {
  const std::int64_t max = std::numeric_limits<std::int64_t>::max();
  const std::string body = event_json(UserChange::updated, make_user(max, 4, "alice"));
  const auto doc = parse(body);
  ASSERT_TRUE(doc.IsObject()) << body;
  EXPECT_EQ(doc.MemberCount(), 4u) << body;
  ASSERT_TRUE(doc.HasMember("user_id") && doc["user_id"].IsInt64()) << body;
  EXPECT_EQ(doc["user_id"].GetInt64(), max) << "an integer, not a string or a double";
  ASSERT_TRUE(doc.HasMember("username") && doc["username"].IsString()) << body;
  EXPECT_STREQ(doc["username"].GetString(), "alice");
  ASSERT_TRUE(doc.HasMember("at") && doc["at"].IsString()) << body;
  EXPECT_STREQ(doc["at"].GetString(), "2024-02-29T23:59:59Z") << "the change's time: updated_at";
  // Not in the event: what the SPEC does not list, and nothing secret.
  EXPECT_FALSE(doc.HasMember("role")) << body;
  EXPECT_FALSE(doc.HasMember("version")) << body;
}

struct EscapeCase {
  std::string username;
  const char* reason;
};

// Usernames are validated before they reach an event, but the body is JSON
// for every subscriber: whatever the text, it must come back out unchanged.
TEST(EventJson, EscapesTheUsername) {
  const EscapeCase cases[] = {
      {"a\"b", "double quote"},
      {"a\\b", "backslash"},
      {"a\nb\tc\rd", "newline, tab, carriage return"},
      {std::string("a\x01z\x1f", 4), "other control characters"},
      {"\",\"type\":\"user.deleted", "an attempt to inject a member"},
      {"b\xc3\xb6"
       "b \xe2\x82\xac",
       "UTF-8 letters"},
      {"</script>", "markup"},
  };
  for (const auto& c : cases) {
    const std::string body = event_json(UserChange::created, make_user(1, 1, c.username));
    const auto doc = parse(body);
    ASSERT_FALSE(doc.HasParseError()) << c.reason << ": " << body;
    ASSERT_TRUE(doc.IsObject()) << c.reason;
    EXPECT_EQ(doc.MemberCount(), 4u) << c.reason << ": " << body;
    ASSERT_TRUE(doc.HasMember("username") && doc["username"].IsString()) << c.reason;
    EXPECT_EQ(std::string(doc["username"].GetString(), doc["username"].GetStringLength()),
              c.username)
        << c.reason;
    EXPECT_STREQ(doc["type"].GetString(), "user.created") << c.reason;
    const bool raw_control = std::any_of(
        body.begin(), body.end(), [](char ch) { return static_cast<unsigned char>(ch) < 0x20; });
    EXPECT_FALSE(raw_control) << c.reason << ": a control character left unescaped in " << body;
  }
}

}  // namespace
