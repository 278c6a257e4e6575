// Redis away (SPEC "Cache", "Operations"): stopped or hung, every endpoint
// still answers as usual from PostgreSQL, no request waits on Redis for more
// than one timeout (the redis_ms of its log line), /readyz says "degraded",
// and once Redis is back the workers use it again by themselves. Runs
// serially because it takes the shared Redis away; guards always bring it back.
#include <gtest/gtest.h>
#include <signal.h>

#include <cerrno>
#include <chrono>
#include <cstring>
#include <fstream>
#include <map>
#include <optional>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

#include "support/auth_client.h"
#include "support/event_stream.h"
#include "support/eventually.h"
#include "support/http_client.h"
#include "support/json_checks.h"
#include "support/redis_cli.h"
#include "support/stack_control.h"
#include "support/stack_env.h"
#include "support/test_data.h"

namespace itest {
namespace {

using namespace std::chrono_literals;

// REDIS_TIMEOUT_MS is 50: this leaves slack for a busy machine, while a
// request that waited twice, or on a call without a timeout, shows above it.
constexpr double kMaxRedisMs = 100;

std::string user_path(std::int64_t id) { return "/api/users/" + std::to_string(id); }

std::string refresh_body(const std::string& token) {
  return "{\"refresh_token\":" + json_quote(token) + "}";
}

// /readyz's "status", or "" when it did not answer 200.
std::string readiness() {
  const auto r = request("GET", "/readyz", std::nullopt, anonymous());
  return r.status == 200 ? string_member(parse_json(r.body), "status") : "";
}

// Polls /readyz until it says "ready" three times running, so that both
// health pools have their Redis connection back, not just the first one.
bool back_to_ready(std::chrono::milliseconds timeout) {
  int in_a_row = 0;
  return eventually(
      [&] {
        in_a_row = readiness() == "ready" ? in_a_row + 1 : 0;
        return in_a_row >= 3;
      },
      timeout);
}

// The redis_ms of every "request" line in the endpoint's log, by request_id.
std::map<std::string, double> logged_redis_ms(const std::string& endpoint) {
  std::ifstream in(stack_env().stack_dir + "/log/" + endpoint + ".log");
  std::map<std::string, double> found;
  std::string line;
  while (std::getline(in, line)) {
    if (line.find("\"msg\":\"request\"") == std::string::npos) continue;
    const auto doc = parse_json(line);
    if (!doc.IsObject()) continue;
    const auto it = doc.FindMember("redis_ms");
    if (it != doc.MemberEnd() && it->value.IsNumber()) {
      found[string_member(doc, "request_id")] = it->value.GetDouble();
    }
  }
  return found;
}

// The requests a test sent, with the endpoint whose log has their lines.
class Journal {
 public:
  Response send(const std::string& endpoint, const std::string& method, const std::string& path,
                const std::optional<std::string>& body = std::nullopt,
                const HeaderList& headers = {}) {
    Response r = request(method, path, body, headers);
    sent_.emplace_back(endpoint, r);
    return r;
  }

  // Every request's log line shows redis_ms below `limit`. The line is
  // written after the response, so give the workers a moment to write it.
  testing::AssertionResult WaitedOnRedisBelow(double limit) const {
    std::map<std::string, std::map<std::string, double>> logs;
    std::vector<std::string> problems;
    eventually(
        [&] {
          logs.clear();
          for (const auto& [endpoint, r] : sent_) {
            if (!logs.count(endpoint)) logs[endpoint] = logged_redis_ms(endpoint);
          }
          return missing(logs).empty();
        },
        5s);
    problems = missing(logs);
    for (const auto& [endpoint, r] : sent_) {
      const auto id = r.header("X-Request-ID").value_or("");
      const auto it = logs[endpoint].find(id);
      if (it != logs[endpoint].end() && it->second >= limit) {
        problems.push_back(r.method + " " + r.path + " (" + endpoint + ", " + id + ") waited " +
                           std::to_string(it->second) + " ms on Redis");
      }
    }
    if (problems.empty()) return testing::AssertionSuccess();
    auto failure = testing::AssertionFailure();
    for (const auto& p : problems) failure << "\n  " << p;
    return failure;
  }

 private:
  std::vector<std::string> missing(
      const std::map<std::string, std::map<std::string, double>>& logs) const {
    std::vector<std::string> out;
    for (const auto& [endpoint, r] : sent_) {
      const auto id = r.header("X-Request-ID").value_or("");
      const auto log = logs.find(endpoint);
      if (log == logs.end() || !log->second.count(id)) {
        out.push_back(r.method + " " + r.path + " (" + id + "): no request line in " + endpoint +
                      ".log");
      }
    }
    return out;
  }

  std::vector<std::pair<std::string, Response>> sent_;
};

// Stops Redis (scripts/stack stop-redis); starts it again when the test
// ends, however it ends, and waits until the service says ready.
class RedisStopped {
 public:
  RedisStopped() { stack_ok({"stop-redis"}); }
  RedisStopped(const RedisStopped&) = delete;
  RedisStopped& operator=(const RedisStopped&) = delete;
  ~RedisStopped() {
    if (started_) return;
    try {
      start();
      if (!back_to_ready(10s)) ADD_FAILURE() << "not ready after starting Redis again";
    } catch (const std::exception& e) {
      ADD_FAILURE() << "starting Redis again: " << e.what();
    }
  }
  void start() {
    stack_ok({"start-redis"});
    started_ = true;
  }

 private:
  bool started_ = false;
};

// The state letter of /proc/<pid>/stat ('T' when stopped), '?' when gone.
char process_state(pid_t pid) {
  std::ifstream in("/proc/" + std::to_string(pid) + "/stat");
  std::string line;
  if (!std::getline(in, line)) return '?';
  const auto close = line.rfind(") ");
  return close == std::string::npos || close + 2 >= line.size() ? '?' : line[close + 2];
}

// Freezes the Redis process (SIGSTOP: its socket and connections stay open,
// but nothing answers, as with a hung server or a lost network); resumes it
// (SIGCONT) when the test ends, however it ends.
class RedisPaused {
 public:
  RedisPaused() : pid_(redis_pid()) {
    if (kill(pid_, SIGSTOP) != 0) {
      throw std::runtime_error(std::string("kill -STOP redis: ") + std::strerror(errno));
    }
    if (!eventually([&] { return process_state(pid_) == 'T'; }, 5s)) {
      resume();
      throw std::runtime_error("Redis did not stop");
    }
  }
  RedisPaused(const RedisPaused&) = delete;
  RedisPaused& operator=(const RedisPaused&) = delete;
  ~RedisPaused() {
    if (resumed_) return;
    resume();
    if (!back_to_ready(10s)) ADD_FAILURE() << "not ready after resuming Redis";
  }
  void resume() {
    resumed_ = true;
    if (kill(pid_, SIGCONT) != 0) ADD_FAILURE() << "kill -CONT redis: " << std::strerror(errno);
  }

 private:
  pid_t pid_;
  bool resumed_ = false;
};

testing::AssertionResult IsDegradedWithoutRedis(const Response& r) {
  if (auto json = IsJsonResponse(r, 200); !json) return json;
  const auto doc = parse_json(r.body);
  if (string_member(doc, "status") != "degraded" || string_member(doc, "redis") != "down" ||
      string_member(doc, "postgres") != "up") {
    return testing::AssertionFailure() << "want degraded, redis down, postgres up\n"
                                       << r.describe();
  }
  return testing::AssertionSuccess();
}

// 200 with the user's representation, named `username`, with ETag `etag`.
testing::AssertionResult ShowsUser(const Response& r, std::int64_t id, const std::string& username,
                                   const std::string& etag) {
  if (auto json = IsJsonResponse(r, 200); !json) return json;
  const auto doc = parse_json(r.body);
  if (auto shape = IsUserRepresentation(doc); !shape) return shape << "\n" << r.describe();
  if (int64_member(doc, "user_id") != id || string_member(doc, "username") != username ||
      r.header("ETag").value_or("") != etag) {
    return testing::AssertionFailure()
           << "want user " << id << " \"" << username << "\" with ETag " << etag << "\n"
           << r.describe();
  }
  return testing::AssertionSuccess();
}

// Every endpoint with Redis stopped: the same answers as with it, and then
// Redis comes back without restarting anything else.
TEST(RedisOutage, StoppedRedisLeavesEveryEndpointWorking) {
  // Read twice while Redis runs: the second answer came from the cache.
  const auto known = create_user(unique_username("Known"));
  ASSERT_EQ(request("GET", user_path(known.id)).status, 200);
  const auto cached = request("GET", user_path(known.id));
  ASSERT_TRUE(ShowsUser(cached, known.id, known.username, "\"v1\""));

  Journal sent;
  RedisStopped redis;
  EXPECT_TRUE(IsDegradedWithoutRedis(sent.send("health", "GET", "/readyz")));

  const std::string name = unique_username("Outage"), password = strong_password();
  const auto registered =
      sent.send("register", "POST", "/api/register", credentials_body(name, password), anonymous());
  ASSERT_TRUE(IsJsonResponse(registered, 201));
  const auto id = int64_member(parse_json(registered.body), "user_id");
  ASSERT_TRUE(id.has_value()) << registered.describe();
  EXPECT_EQ(string_member(parse_json(registered.body), "message"), "User registered successfully");
  EXPECT_EQ(registered.header("Location").value_or(""), user_path(*id));

  const auto logged_in =
      sent.send("login", "POST", "/api/login", login_body(name, password), anonymous());
  ASSERT_TRUE(IsTokenPair(logged_in));
  const auto tokens = tokens_of(logged_in);

  const auto me = sent.send("me", "GET", "/api/me", std::nullopt, bearer(tokens.access_token));
  ASSERT_TRUE(IsJsonResponse(me, 200));
  const auto me_doc = parse_json(me.body);
  EXPECT_EQ(int64_member(me_doc, "user_id"), id) << me.body;
  EXPECT_EQ(string_member(me_doc, "username"), name) << me.body;
  EXPECT_EQ(string_member(me_doc, "role"), "user") << me.body;
  EXPECT_TRUE(me_doc.HasMember("totp_enabled") && me_doc["totp_enabled"].IsFalse()) << me.body;

  // From PostgreSQL now: byte for byte what the cache answered.
  const auto uncached = sent.send("read_user", "GET", user_path(known.id));
  EXPECT_TRUE(ShowsUser(uncached, known.id, known.username, "\"v1\""));
  EXPECT_EQ(uncached.body, cached.body);
  EXPECT_TRUE(ShowsUser(
      sent.send("read_user", "GET", user_path(*id), std::nullopt, bearer(tokens.access_token)), *id,
      name, "\"v1\""));

  const auto listed =
      sent.send("list_users", "GET", "/api/users?limit=1&after=" + std::to_string(*id - 1));
  ASSERT_TRUE(IsJsonResponse(listed, 200));
  const auto list = parse_json(listed.body);
  ASSERT_TRUE(list.HasMember("users") && list["users"].IsArray() && list["users"].Size() == 1)
      << listed.body;
  EXPECT_EQ(int64_member(list["users"][0], "user_id"), id) << listed.body;
  EXPECT_EQ(string_member(list["users"][0], "username"), name) << listed.body;

  const std::string renamed = unique_username("Outage2");
  const auto put = sent.send("update_user", "PUT", user_path(*id), username_body(renamed),
                             bearer(tokens.access_token));
  ASSERT_TRUE(IsJsonResponse(put, 200));
  EXPECT_EQ(string_member(parse_json(put.body), "message"), "User updated successfully");
  EXPECT_EQ(put.header("ETag").value_or(""), "\"v2\"");
  EXPECT_TRUE(ShowsUser(sent.send("read_user", "GET", user_path(*id)), *id, renamed, "\"v2\""));

  const auto refreshed = sent.send("token_refresh", "POST", "/api/token/refresh",
                                   refresh_body(tokens.refresh_token), anonymous());
  ASSERT_TRUE(IsTokenPair(refreshed));
  const auto rotated = tokens_of(refreshed);
  const auto out =
      sent.send("logout", "POST", "/api/logout", refresh_body(rotated.refresh_token), anonymous());
  EXPECT_EQ(out.status, 204) << out.describe();
  EXPECT_TRUE(out.body.empty()) << out.describe();
  EXPECT_TRUE(IsApiError(sent.send("token_refresh", "POST", "/api/token/refresh",
                                   refresh_body(rotated.refresh_token), anonymous()),
                         401, "invalid_refresh_token"))
      << "logout did not end the session";

  const auto removed = sent.send("delete_user", "DELETE", user_path(*id));
  EXPECT_EQ(removed.status, 204) << removed.describe();
  EXPECT_TRUE(removed.body.empty()) << removed.describe();
  EXPECT_TRUE(IsApiError(sent.send("read_user", "GET", user_path(*id)), 404, "not_found"));

  EXPECT_TRUE(sent.WaitedOnRedisBelow(kMaxRedisMs));

  redis.start();
  EXPECT_TRUE(back_to_ready(5s)) << "/readyz still says " << readiness();
  // The restarted server has a new run_id, so its cache starts empty; a read
  // fills it again.
  const std::string key = user_cache_key(known.id);
  EXPECT_TRUE(eventually(
      [&] {
        request("GET", user_path(known.id));
        return redis_get(key).has_value();
      },
      5s))
      << "reads left no entry " << key << " after Redis came back";
}

// A hung Redis (connections open, no answers): reads and writes still
// succeed, each waiting on Redis for one timeout at most, and the workers
// find Redis again when it wakes up.
TEST(RedisOutage, HungRedisCostsARequestOneTimeoutAtMost) {
  const auto user = create_user(unique_username("Hung"));
  const auto doomed = create_user(unique_username("HungGone"));
  ASSERT_EQ(request("GET", user_path(user.id)).status, 200);
  ASSERT_EQ(request("GET", user_path(doomed.id)).status, 200);

  Journal sent;
  RedisPaused paused;
  EXPECT_TRUE(IsDegradedWithoutRedis(sent.send("health", "GET", "/readyz")));
  for (int i = 0; i < 4; ++i) {
    const std::string name = unique_username("Hung" + std::to_string(i));
    const std::string etag = "\"v" + std::to_string(i + 2) + "\"";
    const auto put = sent.send("update_user", "PUT", user_path(user.id), username_body(name));
    EXPECT_TRUE(IsJsonResponse(put, 200));
    EXPECT_EQ(put.header("ETag").value_or(""), etag);
    for (int read = 0; read < 3; ++read) {
      EXPECT_TRUE(ShowsUser(sent.send("read_user", "GET", user_path(user.id)), user.id, name, etag))
          << "round " << i << ", read " << read;
    }
  }
  EXPECT_EQ(sent.send("delete_user", "DELETE", user_path(doomed.id)).status, 204);
  EXPECT_TRUE(IsApiError(sent.send("read_user", "GET", user_path(doomed.id)), 404, "not_found"));
  EXPECT_TRUE(IsJsonResponse(
      sent.send("register", "POST", "/api/register",
                credentials_body(unique_username("HungNew"), strong_password()), anonymous()),
      201));
  EXPECT_TRUE(IsDegradedWithoutRedis(sent.send("health", "GET", "/readyz")));
  EXPECT_TRUE(sent.WaitedOnRedisBelow(kMaxRedisMs));

  paused.resume();
  EXPECT_TRUE(back_to_ready(5s)) << "/readyz still says " << readiness();
  const auto fresh = create_user(unique_username("HungAfter"));
  EXPECT_TRUE(eventually(
      [&] {
        request("GET", user_path(fresh.id));
        return redis_get(user_cache_key(fresh.id)).has_value();
      },
      5s))
      << "no cache entry for a user read after Redis woke up";
}

// Live events have their own Redis (docs/events.md): while the workers'
// Redis hangs, subscribers still get every change, in order, and nginx
// keeps answering (with one Redis, nchan broke client connections here).
TEST(RedisOutage, LiveEventsGoOnWhileTheWorkersRedisHangs) {
  const auto user = create_user(unique_username("Live"));
  EventStream stream(EventStream::Kind::sse, bearer(create_account("Sub").tokens.access_token));
  ASSERT_TRUE(stream.accepted()) << stream.describe();

  RedisPaused paused;
  std::vector<std::string> names;
  for (int i = 0; i < 3; ++i) {
    names.push_back(unique_username("Live" + std::to_string(i)));
    ASSERT_EQ(request("PUT", user_path(user.id), username_body(names.back())).status, 200);
  }
  const auto events = stream.wait_for(3, renames_of(user.id), 5s);
  ASSERT_EQ(events.size(), 3u) << stream.describe();
  for (size_t i = 0; i < names.size(); ++i) {
    const auto doc = parse_json(events[i].data);
    EXPECT_EQ(string_member(doc, "type"), "user.updated") << events[i].data;
    EXPECT_EQ(string_member(doc, "username"), names[i]) << events[i].data;
  }
}

// The SPEC's promise holds across a hang too: once Redis answers again,
// reads show what was written while it did not, not the entries from before.
TEST(RedisOutage, WritesDuringAHangAreWhatReadsShowAfterIt) {
  const auto user = create_user(unique_username("Stale"));
  const auto doomed = create_user(unique_username("StaleGone"));
  ASSERT_EQ(request("GET", user_path(user.id)).status, 200);
  ASSERT_EQ(request("GET", user_path(doomed.id)).status, 200);

  std::string last;
  {
    RedisPaused paused;
    for (int i = 0; i < 4; ++i) {
      last = unique_username("Stale" + std::to_string(i));
      ASSERT_EQ(request("PUT", user_path(user.id), username_body(last)).status, 200);
    }
    ASSERT_EQ(request("DELETE", user_path(doomed.id)).status, 204);
    paused.resume();
    ASSERT_TRUE(back_to_ready(5s)) << "/readyz still says " << readiness();
  }
  // What the cache holds for a user, for the failure messages.
  auto entry = [](std::int64_t id) {
    const std::string key = user_cache_key(id);
    return key + " = " + json_quote(redis_get(key).value_or("(none)")) + ", TTL " +
           redis_cli({"TTL", key}) + " s";
  };
  int stale = 0, undeleted = 0;
  std::string stale_example, undeleted_example;
  for (int i = 0; i < 12; ++i) {
    if (auto shown = ShowsUser(request("GET", user_path(user.id)), user.id, last, "\"v5\"");
        !shown && stale++ == 0) {
      stale_example = shown.message();
    }
    if (auto gone = IsApiError(request("GET", user_path(doomed.id)), 404, "not_found");
        !gone && undeleted++ == 0) {
      undeleted_example = gone.message();
    }
  }
  EXPECT_EQ(stale, 0) << "of 12 reads after the hang, these did not show the last PUT, e.g.\n"
                      << stale_example << "\ncache: " << entry(user.id);
  EXPECT_EQ(undeleted, 0)
      << "of 12 reads after the hang, these still found the deleted user, e.g.\n"
      << undeleted_example << "\ncache: " << entry(doomed.id);
}

// Workers that held a Redis connection from before a restart, and served
// nothing while Redis was away, write each change to the restarted server
// under its run_id (the key readers use), so a read after a write never
// shows what the restarted cache was given before it.
TEST(RedisOutage, WritesAfterARestartReachTheRestartedServer) {
  std::vector<CreatedUser> users;
  for (int i = 0; i < 8; ++i) users.push_back(create_user(unique_username("Restart")));
  for (const auto& u : users) {  // the writers open their Redis connections
    ASSERT_EQ(request("PUT", user_path(u.id), username_body(unique_username("Before"))).status,
              200);
    ASSERT_EQ(request("DELETE", user_path(create_user().id)).status, 204);
  }
  {
    RedisStopped redis;
    redis.start();
    ASSERT_TRUE(back_to_ready(5s)) << "/readyz still says " << readiness();
  }
  for (const auto& u : users) {
    ASSERT_EQ(request("GET", user_path(u.id)).status, 200);  // cached again, then changed
    const std::string renamed = unique_username("After");
    ASSERT_EQ(request("PUT", user_path(u.id), username_body(renamed)).status, 200);
    EXPECT_TRUE(ShowsUser(request("GET", user_path(u.id)), u.id, renamed, "\"v3\""));
    const auto doomed = create_user();
    ASSERT_EQ(request("GET", user_path(doomed.id)).status, 200);
    ASSERT_EQ(request("DELETE", user_path(doomed.id)).status, 204);
    EXPECT_TRUE(IsApiError(request("GET", user_path(doomed.id)), 404, "not_found"));
  }
}

}  // namespace
}  // namespace itest
