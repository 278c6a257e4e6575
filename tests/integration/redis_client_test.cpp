// The workers' Redis client against the stack's Redis: commands queued to
// share one round trip (a write's cache entry and its event) answer in
// order, before any later command, and survive a connection Redis closed.
#include <gtest/gtest.h>

#include <csignal>
#include <string>
#include <vector>

#include "crud/redis.h"
#include "support/stack_env.h"
#include "support/test_data.h"

using namespace crud;

namespace {

struct Client {
  Client() : log("redis_client_test", "error") {
    config.redis_url = itest::stack_env().redis_url;
    config.redis_password = itest::stack_env().redis_password;
    config.redis_timeout_ms = 2000;
  }
  Config config;
  Logger log;
  Redis redis{config, log};
};

// A reply as text ("" for none, "(error)" for a failed command).
std::string text_of(const Redis::Reply& reply) {
  if (!reply) return "(error)";
  if (reply->type == REDIS_REPLY_INTEGER) return std::to_string(reply->integer);
  if (reply->type == REDIS_REPLY_NIL) return "";
  return std::string(reply->str, reply->len);
}

// Queues a command whose reply text is appended to `answers`.
void queue(Redis& redis, std::vector<std::string> args, std::vector<std::string>& answers) {
  redis.queue(std::move(args),
              [&answers](const Redis::Reply& reply) { answers.push_back(text_of(reply)); });
}

TEST(RedisClient, QueuedCommandsAnswerInTheOrderQueued) {
  Client c;
  const std::string key = "test:" + itest::unique_username("queued");
  std::vector<std::string> answers;
  queue(c.redis, {"SET", key, "1"}, answers);
  queue(c.redis, {"INCR", key}, answers);
  queue(c.redis, {"HGET", key, "field"}, answers);  // the wrong type: an error
  queue(c.redis, {"GET", key}, answers);
  c.redis.send_queued();
  EXPECT_TRUE(answers.empty()) << "replies are handed out by finish_queued only";
  c.redis.finish_queued();
  EXPECT_EQ(answers, (std::vector<std::string>{"OK", "2", "(error)", "2"}));
  c.redis.finish_queued();  // nothing left: nothing happens
  EXPECT_EQ(answers.size(), 4u);
}

TEST(RedisClient, ACommandAfterQueuedOnesWaitsForThemAndGetsItsOwnReply) {
  Client c;
  const std::string key = "test:" + itest::unique_username("then");
  std::vector<std::string> answers;
  queue(c.redis, {"INCRBY", key, "5"}, answers);
  Redis::Reply reply = c.redis.command({"GET", key});
  EXPECT_EQ(answers, std::vector<std::string>{"5"});
  EXPECT_EQ(text_of(reply), "5");
}

TEST(RedisClient, QueuedCommandsGoAgainWhenRedisHadClosedTheConnection) {
  std::signal(SIGPIPE, SIG_IGN);  // as in every worker (serve.cpp)
  Client c, other;
  const std::string key = "test:" + itest::unique_username("closed");
  Redis::Reply id = c.redis.command({"CLIENT", "ID"});
  ASSERT_TRUE(id);
  Redis::Reply killed = other.redis.command({"CLIENT", "KILL", "ID", text_of(id)});
  ASSERT_EQ(text_of(killed), "1");

  std::vector<std::string> answers;
  queue(c.redis, {"SET", key, "after"}, answers);
  queue(c.redis, {"GET", key}, answers);
  c.redis.finish_queued();
  EXPECT_EQ(answers, (std::vector<std::string>{"OK", "after"}));
  EXPECT_EQ(text_of(other.redis.command({"GET", key})), "after");
}

TEST(RedisClient, QueuedCommandsFailAsOneWhenRedisIsUnreachable) {
  Config config;
  config.redis_url = "unix://" + itest::stack_env().stack_dir + "/no-such-redis.sock";
  config.redis_timeout_ms = 200;
  Logger log("redis_client_test", "error");
  Redis redis(config, log);
  std::vector<std::string> answers;
  queue(redis, {"SET", "test:unreachable", "1"}, answers);
  queue(redis, {"GET", "test:unreachable"}, answers);
  redis.finish_queued();
  EXPECT_EQ(answers, (std::vector<std::string>{"(error)", "(error)"}));
}

}  // namespace
