// hiredis behind RAII with millisecond timeouts on connect and on commands.
#include "crud/redis.h"

#include <poll.h>
#include <sys/time.h>

#include <cerrno>
#include <cstdlib>
#include <utility>
#include <vector>

#include "crud/text.h"

namespace crud {

std::optional<RedisAddress> parse_redis_url(const std::string& url) {
  RedisAddress a;
  if (starts_with(url, "unix://")) {
    a.socket_path = url.substr(7);
    if (a.socket_path.empty()) return std::nullopt;
    return a;
  }
  if (!starts_with(url, "redis://")) return std::nullopt;
  std::string rest = url.substr(8);
  rest = rest.substr(0, rest.find('/'));
  if (auto at = rest.rfind('@'); at != std::string::npos) {
    std::string userinfo = rest.substr(0, at);
    rest = rest.substr(at + 1);
    auto colon = userinfo.find(':');
    a.user = userinfo.substr(0, colon);
    if (colon != std::string::npos) a.password = userinfo.substr(colon + 1);
  }
  auto colon = rest.rfind(':');
  a.host = rest.substr(0, colon);
  if (colon != std::string::npos) {
    auto port = parse_decimal(rest.substr(colon + 1));
    if (!port || *port < 1 || *port > 65535) return std::nullopt;
    a.port = static_cast<int>(*port);
  }
  if (a.host.empty()) return std::nullopt;
  return a;
}

Redis::Redis(const Config& config, const Logger& log) : config_(config), log_(log) {}

static timeval to_timeval(int ms) {
  timeval tv{};
  tv.tv_sec = ms / 1000;
  tv.tv_usec = (ms % 1000) * 1000;
  return tv;
}

constexpr std::chrono::seconds kReconnectPause{1};

void Redis::close_connection() {
  ctx_.reset();
  run_id_.clear();
}

void Redis::drop_connection(std::chrono::steady_clock::time_point now) {
  close_connection();
  next_connect_ = now + kReconnectPause;
}

bool Redis::connect() {
  auto now = std::chrono::steady_clock::now();
  if (now < next_connect_) return false;
  timeval tv = to_timeval(config_.redis_timeout_ms);
  const auto address = parse_redis_url(config_.redis_url);  // checked by Config
  redisContext* c = address->socket_path.empty()
                        ? redisConnectWithTimeout(address->host.c_str(), address->port, tv)
                        : redisConnectUnixWithTimeout(address->socket_path.c_str(), tv);
  ctx_.reset(c);
  if (!c || c->err) {
    log_.event(LogLevel::warn, std::string("redis connect failed: ") + (c ? c->errstr : "oom"));
    drop_connection(now);
    return false;
  }
  redisSetTimeout(c, tv);  // connect timeout does not cover commands
  const std::string& password =
      config_.redis_password.empty() ? address->password : config_.redis_password;
  const bool authenticated =
      password.empty() ||
      (address->user.empty() ? run({"AUTH", password}) : run({"AUTH", address->user, password}));
  if (!authenticated) {
    if (ctx_) log_.event(LogLevel::warn, "redis refused the password (REDIS_PASSWORD)");
    drop_connection(now);
    return false;
  }
  Reply info = run({"INFO", "server"});
  std::string_view text = info && info->type == REDIS_REPLY_STRING
                              ? std::string_view(info->str, info->len)
                              : std::string_view();
  auto at = text.find("run_id:");
  if (at == std::string_view::npos) {
    if (ctx_) log_.event(LogLevel::warn, "redis INFO has no run_id");
    drop_connection(now);
    return false;
  }
  text = text.substr(at + 7);
  run_id_ = std::string(text.substr(0, text.find_first_of("\r\n")));
  return true;
}

Redis::Reply Redis::command(std::initializer_list<std::string_view> args) {
  return run_command(Argv(args));
}

Redis::Reply Redis::command(const std::vector<std::string>& args) {
  return run_command(Argv(args.begin(), args.end()));
}

Redis::Reply Redis::run_command(const Argv& argv) {
  if (!configured()) return nullptr;
  if (!queued_.empty()) finish_queued();  // replies come back in the order sent
  TimeSpent::Scope waiting(time_spent);
  drop_if_closed_while_idle();
  if (!ctx_ && !connect()) return nullptr;
  const std::string server = run_id_;
  bool closed_by_server = false;
  Reply reply = run(argv, &closed_by_server);
  // A connection Redis closed fails at once, not after a timeout: the
  // command goes again on a fresh one, unless Redis restarted meanwhile.
  if (closed_by_server && reconnected_to(server)) reply = run(argv, nullptr);
  return reply;
}

void Redis::queue(std::vector<std::string> args, Done done) {
  queued_.push_back({std::move(args), std::move(done)});
}

std::vector<Redis::Argv> Redis::queued_argv() const {
  std::vector<Argv> commands;
  for (const auto& q : queued_) commands.emplace_back(q.args.begin(), q.args.end());
  return commands;
}

void Redis::send_queued() {
  if (queued_.empty() || std::exchange(queued_sent_, true) || !configured()) return;
  TimeSpent::Scope waiting(time_spent);
  // No reconnect on an idle close here: what is queued may name the server
  // of the connection it was built on (cache keys), checked below.
  if (!ctx_ && !connect()) return;
  const std::string server = run_id_;
  bool closed_by_server = false;
  queued_written_ = write(queued_argv(), &closed_by_server) ||
                    (closed_by_server && reconnected_to(server) && write(queued_argv(), nullptr));
}

void Redis::finish_queued() {
  if (queued_.empty()) return;
  send_queued();
  queued_sent_ = false;
  std::vector<Reply> replies(queued_.size());
  if (std::exchange(queued_written_, false)) {
    TimeSpent::Scope waiting(time_spent);
    const std::string server = run_id_;
    bool closed_by_server = false;
    replies = read(queued_.size(), &closed_by_server);
    // Nothing of it ran: once more on a fresh connection to the same server.
    if (closed_by_server && reconnected_to(server) && write(queued_argv(), nullptr))
      replies = read(queued_.size(), nullptr);
  }
  std::vector<Queued> done = std::exchange(queued_, {});
  for (std::size_t i = 0; i < done.size(); ++i) done[i].done(replies[i]);
}

// One command on the open connection.
Redis::Reply Redis::run(const Argv& args, bool* closed_by_server) {
  if (!write({args}, closed_by_server)) return nullptr;
  return std::move(read(1, closed_by_server)[0]);
}

// Writes commands on the open connection; a failure closes it (see fail).
bool Redis::write(const std::vector<Argv>& commands, bool* closed_by_server) {
  for (const auto& args : commands) {
    std::vector<const char*> argv;
    std::vector<std::size_t> lengths;
    for (auto a : args) {
      argv.push_back(a.data());
      lengths.push_back(a.size());
    }
    if (redisAppendCommandArgv(ctx_.get(), static_cast<int>(argv.size()), argv.data(),
                               lengths.data()) != REDIS_OK) {
      fail(errno, nullptr);
      return false;
    }
  }
  int written = 0;
  while (!written) {
    if (redisBufferWrite(ctx_.get(), &written) != REDIS_OK) {
      fail(errno, closed_by_server);
      return false;
    }
  }
  return true;
}

// Reads `count` replies (an error reply becomes nullptr, and so does every
// reply after a failure, which closes the connection: see fail). Only a
// failure before the first reply can mean that nothing ran.
std::vector<Redis::Reply> Redis::read(std::size_t count, bool* closed_by_server) {
  std::vector<Reply> replies(count);
  for (std::size_t i = 0; i < count; ++i) {
    void* raw = nullptr;
    if (redisGetReply(ctx_.get(), &raw) != REDIS_OK) {
      fail(errno, i == 0 ? closed_by_server : nullptr);
      break;
    }
    replies[i].reset(static_cast<redisReply*>(raw));
    if (replies[i]->type == REDIS_REPLY_ERROR) {
      log_.event(LogLevel::warn, std::string("redis error: ") + replies[i]->str);
      replies[i].reset();
    }
  }
  return replies;
}

// Closes the connection after a failed write or read. When the server had
// closed it and `closed_by_server` is given, it is set and no reconnect
// pause starts.
void Redis::fail(int error, bool* closed_by_server) {
  bool closed = ctx_->err == REDIS_ERR_EOF ||
                (ctx_->err == REDIS_ERR_IO && (error == EPIPE || error == ECONNRESET));
  if (closed && closed_by_server) {
    *closed_by_server = true;
    close_connection();
    return;
  }
  log_.event(LogLevel::warn, std::string("redis command failed: ") + ctx_->errstr);
  drop_connection(std::chrono::steady_clock::now());  // a timed-out context is dead
}

bool Redis::ping() {
  Reply reply = command({"PING"});
  return reply && reply->type == REDIS_REPLY_STATUS;
}

bool Redis::connected() {
  if (!configured()) return false;
  drop_if_closed_while_idle();
  if (ctx_) return true;
  TimeSpent::Scope waiting(time_spent);
  return connect();
}

// Redis sends nothing unasked on this connection: an idle socket that is
// readable was closed by the server (a restart). Noticed before a command
// (and before a cache key is built), the new server's run_id is known.
// Never while commands are queued: they may name the server they were
// built for, and go only to it (send_queued).
void Redis::drop_if_closed_while_idle() {
  if (!ctx_ || !queued_.empty()) return;
  pollfd idle{ctx_->fd, POLLIN, 0};
  if (poll(&idle, 1, 0) != 0) close_connection();
}

// After the server closed the connection: true when a fresh one reaches the
// same server. Commands built for a server that restarted (cache keys name
// its run_id) must not go to the new one.
bool Redis::reconnected_to(const std::string& server) { return connect() && run_id_ == server; }

}  // namespace crud
