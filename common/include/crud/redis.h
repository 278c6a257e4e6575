// A small RAII client over hiredis for one worker: connect and command
// timeouts (set again after every reconnect: hiredis 0.14 forgets them), and
// a dead context is dropped so the next call reconnects.
#pragma once

#include <hiredis/hiredis.h>

#include <chrono>
#include <functional>
#include <initializer_list>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "crud/config.h"
#include "crud/log.h"
#include "crud/time_spent.h"

namespace crud {

// Where REDIS_URL points: unix://PATH, or redis://[[USER]:PASSWORD@]HOST[:PORT][/DB]
// as managed Redis services hand it out (the DB number is ignored: keys are
// namespaced). A password in the URL is used when REDIS_PASSWORD is empty.
struct RedisAddress {
  std::string socket_path;  // set for unix://
  std::string host;
  int port = 6379;
  std::string user;  // ACL user ("" = default)
  std::string password;
};
// nullopt when the URL is malformed (no host, bad port).
std::optional<RedisAddress> parse_redis_url(const std::string& url);

class Redis {
 public:
  Redis(const Config& config, const Logger& log);
  // False when REDIS_URL is not set: Redis features are then off.
  bool configured() const { return !config_.redis_url.empty(); }
  // True when Redis answers PING within the timeout.
  bool ping();
  // True when a connection is open or can be opened now (no command sent).
  bool connected();

  struct FreeReply {
    void operator()(redisReply* r) const { freeReplyObject(r); }
  };
  using Reply = std::unique_ptr<redisReply, FreeReply>;
  // Runs one command (binary-safe arguments); nullptr when Redis is off,
  // unreachable, timed out or answered with an error. Queued commands go first.
  Reply command(std::initializer_list<std::string_view> args);
  Reply command(const std::vector<std::string>& args);

  // Commands that share one round trip: `queue` keeps them, `send_queued`
  // writes them all (the caller may wait on something else meanwhile), and
  // `finish_queued` reads their replies and hands each (nullptr as for
  // `command`) to its `done`, in the order queued.
  using Done = std::function<void(const Reply&)>;
  void queue(std::vector<std::string> args, Done done);
  void send_queued();
  void finish_queued();
  // The run_id of the Redis server of the current connection ("" when not
  // connected): it changes whenever Redis restarts (or fails over).
  const std::string& server_run_id() const { return run_id_; }
  // Time spent waiting on Redis (taken per request).
  TimeSpent time_spent;

 private:
  bool connect();
  using Argv = std::vector<std::string_view>;
  Reply run_command(const Argv& args);
  Reply run(const Argv& args, bool* closed_by_server = nullptr);
  bool write(const std::vector<Argv>& commands, bool* closed_by_server);
  std::vector<Reply> read(std::size_t count, bool* closed_by_server);
  void fail(int error, bool* closed_by_server);
  std::vector<Argv> queued_argv() const;
  void drop_if_closed_while_idle();
  bool reconnected_to(const std::string& server);
  void close_connection();
  // Closes and starts the reconnect pause.
  void drop_connection(std::chrono::steady_clock::time_point now);
  struct Free {
    void operator()(redisContext* c) const { redisFree(c); }
  };
  const Config& config_;
  const Logger& log_;
  std::unique_ptr<redisContext, Free> ctx_;
  // After a failed connect or command, wait before the next try: a Redis
  // that is down or hung costs a request at most one timeout and fills no log.
  std::chrono::steady_clock::time_point next_connect_{};
  std::string run_id_;
  struct Queued {
    std::vector<std::string> args;
    Done done;
  };
  std::vector<Queued> queued_;
  bool queued_sent_ = false;     // send_queued ran for what is queued
  bool queued_written_ = false;  // ... and wrote it on the open connection
};

}  // namespace crud
