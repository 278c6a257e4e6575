// REDIS_URL as the stack, Docker and managed Redis services write it.
#include <gtest/gtest.h>

#include "crud/redis.h"

namespace crud {
namespace {

TEST(RedisUrl, UnixSocket) {
  auto a = parse_redis_url("unix:///run/crud/redis.sock");
  ASSERT_TRUE(a);
  EXPECT_EQ(a->socket_path, "/run/crud/redis.sock");
  EXPECT_TRUE(a->host.empty());
}

TEST(RedisUrl, HostAndPort) {
  auto a = parse_redis_url("redis://red-abc123:6380");
  ASSERT_TRUE(a);
  EXPECT_EQ(a->host, "red-abc123");
  EXPECT_EQ(a->port, 6380);
  EXPECT_TRUE(a->user.empty());
  EXPECT_TRUE(a->password.empty());
}

TEST(RedisUrl, DefaultPortAndDatabaseNumberIgnored) {
  auto a = parse_redis_url("redis://cache.internal/2");
  ASSERT_TRUE(a);
  EXPECT_EQ(a->host, "cache.internal");
  EXPECT_EQ(a->port, 6379);
}

TEST(RedisUrl, PasswordOnly) {
  auto a = parse_redis_url("redis://:s3cret@redis:6379");
  ASSERT_TRUE(a);
  EXPECT_EQ(a->host, "redis");
  EXPECT_TRUE(a->user.empty());
  EXPECT_EQ(a->password, "s3cret");
}

TEST(RedisUrl, AclUserAndPassword) {
  auto a = parse_redis_url("redis://crud:p%40ss@10.0.0.5:6379");
  ASSERT_TRUE(a);
  EXPECT_EQ(a->host, "10.0.0.5");
  EXPECT_EQ(a->user, "crud");
  EXPECT_EQ(a->password, "p%40ss");  // taken as written: no percent-decoding
}

TEST(RedisUrl, MalformedIsRefused) {
  for (const char* url : {"", "http://redis:6379", "redis://", "redis://:pw@", "redis://host:0",
                          "redis://host:70000", "redis://host:port", "unix://"}) {
    EXPECT_FALSE(parse_redis_url(url)) << url;
  }
}

}  // namespace
}  // namespace crud
