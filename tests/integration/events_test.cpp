// Live events (SPEC "Live events"): every committed create, update and delete
// reaches GET /api/events subscribers (Server-Sent Events, WebSocket,
// long-poll) and the Redis channel user-events, once and in order, and a
// failed write publishes nothing; a subscriber that reconnects with
// Last-Event-ID gets what it missed, a new one everything from the second
// before it connected; subscribing needs credentials. Every check looks only
// at events about users this test made.
#include <gtest/gtest.h>

#include <chrono>
#include <functional>
#include <future>
#include <map>
#include <memory>
#include <set>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "support/auth_client.h"
#include "support/event_stream.h"
#include "support/eventually.h"
#include "support/http_client.h"
#include "support/json_checks.h"
#include "support/param_name.h"
#include "support/pg_session.h"
#include "support/process.h"
#include "support/race.h"
#include "support/stack_control.h"
#include "support/stack_env.h"
#include "support/test_data.h"

namespace itest {
namespace {

using Kind = EventStream::Kind;
using std::chrono::milliseconds;
using std::chrono::seconds;

// How long an event may take from the write's response to a subscriber.
constexpr seconds kDelivery{5};
// How long to watch for an event that must not come.
constexpr milliseconds kQuiet{500};

std::string user_path(std::int64_t id) { return "/api/users/" + std::to_string(id); }

// The access token of a fresh account: subscribing needs a caller, not an admin.
HeaderList subscriber() { return bearer(create_account("Sub").tokens.access_token); }

// Renames user `id` (as the admin) to a fresh name and returns it.
std::string rename_user(std::int64_t id, const std::string& prefix = "Renamed") {
  const std::string name = unique_username(prefix);
  const auto r = request("PUT", user_path(id), username_body(name));
  if (r.status != 200) throw std::runtime_error("setup: rename failed\n" + r.describe());
  return name;
}

void delete_user(std::int64_t id) {
  const auto r = request("DELETE", user_path(id));
  if (r.status != 204) throw std::runtime_error("setup: delete failed\n" + r.describe());
}

// The user's representation as GET /api/users/{id} returns it.
rapidjson::Document read_user(std::int64_t id) {
  const auto r = request("GET", user_path(id));
  if (r.status != 200) throw std::runtime_error("setup: read failed\n" + r.describe());
  return parse_json(r.body);
}

// The SPEC's event: exactly type, user_id, username and at (RFC 3339 UTC).
testing::AssertionResult IsUserEvent(const std::string& json, const std::string& type,
                                     std::int64_t id, const std::string& username) {
  const auto doc = parse_json(json);
  auto fail = [&](const char* why) {
    return testing::AssertionFailure() << why << " (want " << type << " of user " << id << " "
                                       << username << ")\n  event: " << json;
  };
  if (doc.HasParseError() || !doc.IsObject()) return fail("not a JSON object");
  if (doc.MemberCount() != 4) return fail("want exactly type, user_id, username and at");
  if (string_member(doc, "type") != type) return fail("wrong type");
  if (int64_member(doc, "user_id") != id) return fail("wrong user_id");
  if (string_member(doc, "username") != username) return fail("wrong username");
  if (!is_rfc3339_utc(string_member(doc, "at"))) return fail("at is not RFC 3339 UTC");
  return testing::AssertionSuccess();
}

// IsUserEvent for an SSE event, whose event name is the type and which has an id.
testing::AssertionResult IsSseUserEvent(const StreamEvent& event, const std::string& type,
                                        std::int64_t id, const std::string& username) {
  if (auto json = IsUserEvent(event.data, type, id, username); !json) return json;
  if (event.type != type) {
    return testing::AssertionFailure() << "SSE event name " << event.type << ", want " << type;
  }
  if (event.id.empty()) return testing::AssertionFailure() << "SSE event without an id";
  return testing::AssertionSuccess();
}

std::string at_of(const StreamEvent& event) { return string_member(parse_json(event.data), "at"); }

std::set<std::string> ids_of(const std::vector<StreamEvent>& events) {
  std::set<std::string> ids;
  for (const auto& event : events) ids.insert(event.id);
  return ids;
}

struct SeenRename {
  std::string name;
  StreamEvent event;  // its id is a position to come back from
};

// Renames user `id` while an SSE stream of `credentials` is open, and returns
// the new name and the event that reported it; the stream closes on return.
// Throws when the stream is refused or the event does not come.
SeenRename rename_seen_on_stream(std::int64_t id, const HeaderList& credentials,
                                 const std::string& prefix) {
  EventStream stream(Kind::sse, credentials);
  if (!stream.accepted()) throw std::runtime_error("setup: stream refused\n" + stream.describe());
  const std::string name = rename_user(id, prefix);
  const auto seen = stream.wait_for(1, renames_of(id), kDelivery);
  if (seen.size() != 1)
    throw std::runtime_error("setup: the rename's event did not come\n" + stream.describe());
  return {name, seen[0]};
}

TEST(Events, SseSubscriberSeesCreateUpdateDeleteInOrder) {
  EventStream stream(Kind::sse, subscriber());
  ASSERT_TRUE(stream.accepted()) << stream.describe();
  EXPECT_EQ(stream.response().header("Content-Type").value_or("").rfind("text/event-stream", 0), 0u)
      << stream.describe();
  EXPECT_TRUE(HasCommonHeaders(stream.response()));

  const auto user = create_user(unique_username("Live"));
  const std::string created_at = string_member(read_user(user.id), "created_at");
  const std::string renamed = rename_user(user.id);
  const std::string updated_at = string_member(read_user(user.id), "updated_at");
  delete_user(user.id);

  const auto events = stream.wait_for(3, about_user(user.id), kDelivery);
  ASSERT_EQ(events.size(), 3u) << stream.describe();
  EXPECT_TRUE(IsSseUserEvent(events[0], "user.created", user.id, user.username));
  EXPECT_TRUE(IsSseUserEvent(events[1], "user.updated", user.id, renamed));
  EXPECT_TRUE(IsSseUserEvent(events[2], "user.deleted", user.id, renamed));
  EXPECT_EQ(ids_of(events).size(), 3u) << stream.describe();
  // `at` is the time of the change the event reports, as reads show it.
  EXPECT_EQ(at_of(events[0]), created_at);
  EXPECT_EQ(at_of(events[1]), updated_at);
  EXPECT_GE(at_of(events[2]), updated_at);
  // One event per write: nothing more about this user.
  EXPECT_EQ(stream.wait_for(4, about_user(user.id), kQuiet).size(), 3u) << stream.describe();
}

// A subscriber of nginx workers that have just started. Until a worker's
// Redis connection is up, nchan answers 503 (a browser's EventSource tries
// again), so this does too, for up to 5 s.
std::unique_ptr<EventStream> subscribe_after_reload(Kind kind, const HeaderList& credentials) {
  const auto deadline = std::chrono::steady_clock::now() + seconds(5);
  for (;;) {
    auto stream = std::make_unique<EventStream>(kind, credentials);
    if (stream->accepted() || stream->response().status != 503 ||
        std::chrono::steady_clock::now() > deadline) {
      return stream;
    }
    std::this_thread::sleep_for(milliseconds(20));
  }
}

// Subscribers of nginx workers that have just started (after a reload) get
// the changes made the moment their stream opens, though each worker sets
// up its Redis subscription only then: a new stream starts from the current
// second in Redis, not from whatever the subscription brings later.
TEST(Events, ChangesRightAfterSubscribingOnAFreshWorkerArrive) {
  for (const Kind kind : {Kind::sse, Kind::websocket}) {
    SCOPED_TRACE(kind == Kind::sse ? "Server-Sent Events" : "WebSocket");
    const auto user = create_user(unique_username("Early"));
    const auto credentials = subscriber();
    stack_ok({"reload-nginx"}, fixture_nginx_settings());

    const auto opened = subscribe_after_reload(kind, credentials);
    EventStream& stream = *opened;
    ASSERT_TRUE(stream.accepted()) << stream.describe();
    const std::string first = rename_user(user.id, "First");
    const std::string second = rename_user(user.id, "Second");
    const auto events = stream.wait_for(2, renames_of(user.id), kDelivery);
    ASSERT_EQ(events.size(), 2u) << stream.describe();
    EXPECT_TRUE(IsUserEvent(events[0].data, "user.updated", user.id, first));
    EXPECT_TRUE(IsUserEvent(events[1].data, "user.updated", user.id, second));
  }
}

// nginx workers that have just started answer a publish with 503 until their
// Redis connection is up, for some milliseconds. Renames made the moment a
// reload ends must still all reach the stream, in order: a subscriber that
// comes back with the id of the last event before the reloads gets each one.
TEST(Events, ChangesRightAfterAReloadAreAllPublished) {
  const auto user = create_user(unique_username("Reload"));
  const auto credentials = subscriber();
  const std::string last_before = rename_seen_on_stream(user.id, credentials, "Before").event.id;
  std::vector<std::string> names;
  for (int reload = 0; reload < 12; ++reload) {
    stack_ok({"reload-nginx"}, fixture_nginx_settings());
    for (int rename = 0; rename < 4; ++rename) names.push_back(rename_user(user.id, "Reloaded"));
  }

  auto headers = credentials;
  headers.emplace_back("Last-Event-ID", last_before);
  const auto replay = subscribe_after_reload(Kind::sse, headers);
  ASSERT_TRUE(replay->accepted()) << replay->describe();
  const auto events = replay->wait_for(names.size(), renames_of(user.id), kDelivery);
  ASSERT_EQ(events.size(), names.size()) << replay->describe();
  for (std::size_t i = 0; i < names.size(); ++i)
    EXPECT_TRUE(IsUserEvent(events[i].data, "user.updated", user.id, names[i])) << "rename " << i;
}

// Two renames of one user at the same moment both succeed. The last event
// about the user must name what the database holds afterwards: a live view
// that applies events in order must not end on a name the user no longer
// has. Each round is one chance for the two publishes to overtake each other.
TEST(Events, ConcurrentRenamesEndOnTheStoredName) {
  EventStream stream(Kind::sse, subscriber());
  ASSERT_TRUE(stream.accepted()) << stream.describe();
  PgSession db;
  constexpr size_t kRounds = 200;
  std::map<std::int64_t, std::string> final_names;
  for (size_t round = 0; round < kRounds; ++round) {
    const auto user = create_user(unique_username("Raced"));
    auto put = [&](const char* prefix) {
      return [&user, prefix] {
        return request("PUT", user_path(user.id), username_body(unique_username(prefix)));
      };
    };
    const auto [a, b] = race(put("RaceA"), put("RaceB"));
    ASSERT_EQ(a.status, 200) << a.describe();
    ASSERT_EQ(b.status, 200) << b.describe();
    const auto stored =
        db.query("SELECT username FROM users WHERE id = $1", {std::to_string(user.id)});
    ASSERT_EQ(stored.size(), 1u);
    final_names[user.id] = stored[0][0];
  }

  const auto events = stream.wait_for(
      3 * kRounds,
      [&](const StreamEvent& e) { return final_names.count(event_user_id(e).value_or(0)) > 0; },
      kDelivery);
  ASSERT_EQ(events.size(), 3 * kRounds) << "want a created and two updated events per user\n"
                                        << stream.describe();
  size_t stale = 0;
  std::string examples;
  for (const auto& [id, name] : final_names) {
    std::string trail;
    std::string last;
    for (const auto& event : events) {
      if (event_user_id(event) != id) continue;
      last = string_member(parse_json(event.data), "username");
      trail += " " + event.id + "=" + last;
    }
    if (last == name) continue;
    if (++stale > 5) continue;
    examples += "\n  user " + std::to_string(id) + " is stored as " + name + "; events:" + trail;
  }
  EXPECT_EQ(stale, 0u) << "of " << kRounds << " users, these (first 5) end on an event naming "
                       << "another username:" << examples;
}

// POST /api/users is the other way to create a user; it publishes too.
TEST(Events, CreateThroughUsersCollectionIsPublished) {
  EventStream stream(Kind::sse, subscriber());
  ASSERT_TRUE(stream.accepted()) << stream.describe();
  const std::string name = unique_username("Made");
  const auto r = request("POST", "/api/users", credentials_body(name, strong_password()));
  ASSERT_TRUE(IsJsonResponse(r, 201));
  const auto id = int64_member(parse_json(r.body), "user_id");
  ASSERT_TRUE(id.has_value()) << r.describe();

  const auto events = stream.wait_for(1, about_user(*id), kDelivery);
  ASSERT_EQ(events.size(), 1u) << stream.describe();
  EXPECT_TRUE(IsSseUserEvent(events[0], "user.created", *id, name));
}

TEST(Events, ReconnectWithLastEventIdReplaysWhatWasMissed) {
  const auto user = create_user(unique_username("Away"));
  const auto credentials = subscriber();  // the newest event is not about `user`
  const auto seen = rename_seen_on_stream(user.id, credentials, "Seen");  // then disconnected
  ASSERT_TRUE(IsSseUserEvent(seen.event, "user.updated", user.id, seen.name));
  const std::string last_seen = seen.event.id;

  const std::string second_name = rename_user(user.id, "MissedA");
  const std::string third_name = rename_user(user.id, "MissedB");
  delete_user(user.id);

  auto headers = credentials;
  headers.emplace_back("Last-Event-ID", last_seen);
  EventStream again(Kind::sse, headers);
  ASSERT_TRUE(again.accepted()) << again.describe();
  const auto missed = again.wait_for(3, about_user(user.id), kDelivery);
  ASSERT_EQ(missed.size(), 3u) << "replayed after " << last_seen << "\n" << again.describe();
  EXPECT_TRUE(IsSseUserEvent(missed[0], "user.updated", user.id, second_name));
  EXPECT_TRUE(IsSseUserEvent(missed[1], "user.updated", user.id, third_name));
  EXPECT_TRUE(IsSseUserEvent(missed[2], "user.deleted", user.id, third_name));
  EXPECT_EQ(ids_of(missed).size(), 3u) << again.describe();
  EXPECT_EQ(ids_of(missed).count(last_seen), 0u) << "the event seen before came again";
  EXPECT_EQ(again.wait_for(4, about_user(user.id), kQuiet).size(), 3u) << again.describe();
}

// How a refused subscriber asked: as an EventSource, a WebSocket or a long-poll.
enum class Via { sse, websocket, long_poll };

struct BadCredentials {
  const char* reason;
  Via via;
  HeaderList headers;
};

const BadCredentials kBadCredentials[] = {
    {"sse_none", Via::sse, {}},
    {"sse_garbage_bearer", Via::sse, {{"Authorization", "Bearer garbage"}}},
    {"sse_basic_scheme", Via::sse, {{"Authorization", "Basic dXNlcjpwYXNz"}}},
    {"sse_unknown_session_cookie",
     Via::sse,
     {{"Cookie", std::string(kSessionCookie) + "=bm90LWEtcmVhbC1zZXNzaW9uLWlkLWF0LWFsbC0xMjM0"}}},
    {"websocket_none", Via::websocket, {}},
    {"websocket_garbage_bearer", Via::websocket, {{"Authorization", "Bearer garbage"}}},
    {"long_poll_none", Via::long_poll, {}},
    {"long_poll_garbage_bearer", Via::long_poll, {{"Authorization", "Bearer garbage"}}},
};

class EventsWithoutValidCredentials : public testing::TestWithParam<BadCredentials> {};

TEST_P(EventsWithoutValidCredentials, Is401WithJsonBodyAndNoStream) {
  const auto& row = GetParam();
  Response r;
  if (row.via == Via::long_poll) {
    // An admitted long-poll would wait for the next event; a refusal is immediate.
    r = request("GET", "/api/events", std::nullopt,
                row.headers.empty() ? anonymous() : row.headers);
  } else {
    EventStream stream(row.via == Via::sse ? Kind::sse : Kind::websocket, row.headers);
    EXPECT_FALSE(stream.accepted()) << stream.describe();
    EXPECT_TRUE(stream.events().empty()) << stream.describe();
    r = stream.response();
  }
  EXPECT_TRUE(IsApiError(r, 401, "unauthorized")) << row.reason;
  EXPECT_EQ(r.header("WWW-Authenticate").value_or("").rfind("Bearer", 0), 0u) << r.describe();
}

INSTANTIATE_TEST_SUITE_P(Subscribers, EventsWithoutValidCredentials,
                         testing::ValuesIn(kBadCredentials), ReasonName());

// Deleting a user ends its tokens within a second (SPEC): for subscribing too.
TEST(Events, DeletedUsersTokenCannotSubscribe) {
  const auto account = create_account("Gone");
  delete_user(account.user.id);
  Response last;
  EXPECT_TRUE(eventually(
      [&] {
        EventStream stream(Kind::sse, bearer(account.tokens.access_token));
        last = stream.response();
        return stream.response().status == 401;
      },
      seconds(3)))
      << last.describe();
  EXPECT_TRUE(IsApiError(last, 401, "unauthorized"));
}

TEST(Events, FailedWritesPublishNothing) {
  const auto user = create_user(unique_username("Quiet"));
  const auto other = create_account("Other");
  const std::string etag = current_etag(user.id);
  EventStream stream(Kind::sse, subscriber());
  ASSERT_TRUE(stream.accepted()) << stream.describe();

  // Each refused at a different stage: validation, a unique index inside the
  // transaction (rolled back), the If-Match check, authorization.
  EXPECT_TRUE(IsApiError(request("PUT", user_path(user.id), username_body("no spaces please")), 422,
                         "validation_failed"));
  EXPECT_TRUE(IsApiError(request("PUT", user_path(user.id), username_body(other.user.username)),
                         409, "username_taken"));
  EXPECT_TRUE(IsApiError(request("PUT", user_path(user.id), username_body(unique_username("Late")),
                                 {{"If-Match", "\"made-up\""}}),
                         412, "precondition_failed"));
  EXPECT_TRUE(IsApiError(request("PUT", user_path(user.id), username_body(unique_username("Not")),
                                 bearer(other.tokens.access_token)),
                         403, "forbidden"));
  EXPECT_TRUE(IsApiError(
      request("DELETE", user_path(user.id), std::nullopt, bearer(other.tokens.access_token)), 403,
      "forbidden"));
  EXPECT_TRUE(IsApiError(request("POST", "/api/register",
                                 credentials_body(user.username, strong_password()), anonymous()),
                         409, "username_taken"));
  EXPECT_TRUE(IsApiError(request("POST", "/api/register",
                                 credentials_body(unique_username("Weak"), "short"), anonymous()),
                         422, "validation_failed"));
  ASSERT_EQ(current_etag(user.id), etag) << "a failed write changed the user";

  const std::string marker = rename_user(user.id, "Marker");
  // Anything about either user, or carrying the name the failed register
  // tried; not their creation, which the stream may start with.
  const auto involved = [&](const StreamEvent& event) {
    const auto id = event_user_id(event);
    const auto doc = parse_json(event.data);
    if (string_member(doc, "type") == "user.created" && (id == user.id || id == other.user.id)) {
      return false;
    }
    return id == user.id || id == other.user.id ||
           iequals(string_member(doc, "username"), user.username);
  };
  const auto events = stream.wait_for(1, involved, kDelivery);
  ASSERT_EQ(events.size(), 1u) << stream.describe();
  EXPECT_TRUE(IsSseUserEvent(events[0], "user.updated", user.id, marker)) << stream.describe();
}

// The payloads of redis-cli's SUBSCRIBE output ("message", channel, payload
// per message, one line each) that `keep` accepts.
std::vector<std::string> redis_messages(const std::vector<std::string>& lines,
                                        const std::function<bool(const StreamEvent&)>& keep) {
  std::vector<std::string> payloads;
  for (size_t i = 0; i + 2 < lines.size(); ++i) {
    if (lines[i] == "message" && lines[i + 1] == "user-events" &&
        keep(StreamEvent{"", "", lines[i + 2]})) {
      payloads.push_back(lines[i + 2]);
      i += 2;
    }
  }
  return payloads;
}

TEST(Events, RedisChannelCarriesTheSameEvents) {
  const auto& env = stack_env();
  const std::string prefix = "unix://";
  ASSERT_EQ(env.redis_url.rfind(prefix, 0), 0u) << env.redis_url;
  // The password goes in the environment, never on a command line.
  RunningProcess redis(
      {"redis-cli", "-s", env.redis_url.substr(prefix.size()), "SUBSCRIBE", "user-events"},
      environment_with({{"REDISCLI_AUTH", env.redis_password}}));
  // Redis confirms a subscription with "subscribe", the channel, the count.
  ASSERT_TRUE(redis.wait_until(
      [](const std::vector<std::string>& lines) {
        return lines.size() >= 3 && lines[0] == "subscribe" && lines[1] == "user-events";
      },
      kDelivery))
      << redis.describe();
  EventStream stream(Kind::sse, subscriber());
  ASSERT_TRUE(stream.accepted()) << stream.describe();

  const auto user = create_user(unique_username("Both"));
  rename_user(user.id);
  delete_user(user.id);

  const auto sse = stream.wait_for(3, about_user(user.id), kDelivery);
  ASSERT_EQ(sse.size(), 3u) << stream.describe();
  std::vector<std::string> from_redis;
  redis.wait_until(
      [&](const std::vector<std::string>& lines) {
        from_redis = redis_messages(lines, about_user(user.id));
        return from_redis.size() >= 3;
      },
      kDelivery);
  std::vector<std::string> from_sse;
  for (const auto& event : sse) from_sse.push_back(event.data);
  EXPECT_EQ(from_redis, from_sse) << redis.describe();
}

TEST(Events, WebSocketSubscriberReceivesEvents) {
  EventStream socket(Kind::websocket, subscriber());
  ASSERT_TRUE(socket.accepted()) << "want 101 with the right Sec-WebSocket-Accept\n"
                                 << socket.describe();
  const auto user = create_user(unique_username("Socket"));
  const std::string renamed = rename_user(user.id);

  const auto events = socket.wait_for(2, about_user(user.id), kDelivery);
  ASSERT_EQ(events.size(), 2u) << socket.describe();
  EXPECT_TRUE(IsUserEvent(events[0].data, "user.created", user.id, user.username));
  EXPECT_TRUE(IsUserEvent(events[1].data, "user.updated", user.id, renamed));
  EXPECT_EQ(socket.protocol_error(), "") << socket.describe();
}

// A long-poll answers one message; the next poll names the last one it got
// (If-Modified-Since / If-None-Match, nchan's Last-Modified and Etag) and
// is answered from the buffer, so a chain of polls misses nothing. Polls
// until a rename of user `id` arrives or `timeout` passes; while a poll
// waits, `write` runs every 300 ms. Returns the polls' responses.
std::vector<Response> long_poll_until(std::int64_t id, const HeaderList& credentials,
                                      const HeaderList& first_extra,
                                      const std::function<void()>& write, seconds timeout) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  std::vector<Response> polls;
  while (std::chrono::steady_clock::now() < deadline) {
    HeaderList headers = credentials;
    if (polls.empty()) {
      headers.insert(headers.end(), first_extra.begin(), first_extra.end());
    } else {
      headers.emplace_back("If-Modified-Since", polls.back().header("Last-Modified").value_or(""));
      headers.emplace_back("If-None-Match", polls.back().header("Etag").value_or(""));
    }
    auto poll = std::async(std::launch::async, [headers] {
      return request("GET", "/api/events", std::nullopt, headers);
    });
    while (poll.wait_for(milliseconds(300)) != std::future_status::ready &&
           std::chrono::steady_clock::now() < deadline) {
      if (write) write();
    }
    polls.push_back(poll.get());
    const auto& r = polls.back();
    if (r.status != 200 || renames_of(id)(StreamEvent{"", "", r.body})) break;
  }
  return polls;
}

TEST(Events, LongPollSubscriberReceivesAnEvent) {
  const auto user = create_user(unique_username("Polled"));
  std::set<std::string> names;
  const auto polls = long_poll_until(
      user.id, subscriber(), {}, [&] { names.insert(rename_user(user.id, "Poll")); }, kDelivery);
  ASSERT_FALSE(polls.empty());
  const auto& r = polls.back();
  ASSERT_EQ(r.status, 200) << r.describe();
  const auto doc = parse_json(r.body);
  const std::string name = string_member(doc, "username");
  EXPECT_EQ(names.count(name), 1u) << "not one of the names written\n" << r.describe();
  EXPECT_TRUE(IsUserEvent(r.body, "user.updated", user.id, name));
  EXPECT_EQ(r.header("Content-Type").value_or("").rfind("application/json", 0), 0u) << r.describe();
  // What the next poll needs to continue after this message.
  EXPECT_TRUE(r.header("Etag").has_value()) << r.describe();
  EXPECT_TRUE(r.header("Last-Modified").has_value()) << r.describe();
  EXPECT_TRUE(HasCommonHeaders(r));
}

// Last-Event-ID works for long-poll too: the poll is answered at once from
// the buffer with what came after that id.
TEST(Events, LongPollWithLastEventIdGetsWhatCameAfter) {
  const auto user = create_user(unique_username("Later"));
  const auto credentials = subscriber();  // the newest event is not about `user`
  std::string seen_id;
  {
    EventStream stream(Kind::sse, credentials);
    ASSERT_TRUE(stream.accepted()) << stream.describe();
    rename_user(user.id, "Seen");
    const auto seen = stream.wait_for(1, renames_of(user.id), kDelivery);
    ASSERT_EQ(seen.size(), 1u) << stream.describe();
    seen_id = seen[0].id;
  }
  const std::string missed = rename_user(user.id, "Missed");
  const auto polls =
      long_poll_until(user.id, credentials, {{"Last-Event-ID", seen_id}}, nullptr, kDelivery);
  ASSERT_FALSE(polls.empty());
  ASSERT_EQ(polls.back().status, 200) << polls.back().describe();
  EXPECT_TRUE(IsUserEvent(polls.back().body, "user.updated", user.id, missed));
}

// A browser's EventSource sends the session cookie, not a bearer token.
TEST(Events, SessionCookieSubscriberIsAdmitted) {
  const auto account = create_account("Browser", true);
  ASSERT_FALSE(account.tokens.session.empty());
  EventStream stream(Kind::sse, session_cookie(account.tokens.session));
  ASSERT_TRUE(stream.accepted()) << stream.describe();

  const std::string renamed = rename_user(account.user.id);
  // First the newest event from before the stream opened: this account's creation.
  const auto events = stream.wait_for(2, about_user(account.user.id), kDelivery);
  ASSERT_EQ(events.size(), 2u) << stream.describe();
  EXPECT_TRUE(IsSseUserEvent(events[0], "user.created", account.user.id, account.user.username));
  EXPECT_TRUE(IsSseUserEvent(events[1], "user.updated", account.user.id, renamed));
}

TEST(Events, LoggedOutSessionCannotSubscribe) {
  const auto account = create_account("LeftUI", true);
  const auto& tokens = account.tokens;
  const auto out = request("POST", "/api/logout", std::nullopt,
                           session_cookie(tokens.session, tokens.csrf_token));
  ASSERT_EQ(out.status, 204) << out.describe();
  EventStream stream(Kind::sse, session_cookie(tokens.session));
  EXPECT_FALSE(stream.accepted()) << stream.describe();
  EXPECT_TRUE(IsApiError(stream.response(), 401, "unauthorized"));
}

}  // namespace
}  // namespace itest
