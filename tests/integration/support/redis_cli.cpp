// redis-cli against the test stack's Redis (see redis_cli.h).
#include "support/redis_cli.h"

#include <chrono>
#include <fstream>
#include <stdexcept>

#include "support/pg_session.h"
#include "support/process.h"
#include "support/stack_env.h"

namespace itest {

std::string redis_cli(const std::vector<std::string>& args) {
  const auto& env = stack_env();
  const std::string prefix = "unix://";
  if (env.redis_url.compare(0, prefix.size(), prefix) != 0) {
    throw std::runtime_error("REDIS_URL is not a unix socket: " + env.redis_url);
  }
  std::vector<std::string> argv = {"/usr/bin/redis-cli", "-s", env.redis_url.substr(prefix.size()),
                                   "--raw"};
  argv.insert(argv.end(), args.begin(), args.end());
  const auto result = run_process(argv, environment_with({{"REDISCLI_AUTH", env.redis_password}}),
                                  "", std::chrono::seconds(10));
  // redis-cli exits 0 after an error reply too; it prints it as "ERR ..." on
  // stdout (or "(error) ..."), and only ever replies we ask for start so.
  std::string out = result.out;
  if (!result.exited_zero() || out.rfind("ERR", 0) == 0 || out.rfind("(error)", 0) == 0 ||
      out.rfind("NOAUTH", 0) == 0 || out.rfind("WRONGPASS", 0) == 0) {
    std::string command;
    for (const auto& a : args) command += " " + a;
    throw std::runtime_error("redis-cli" + command + " failed: " + result.describe());
  }
  if (!out.empty() && out.back() == '\n') out.pop_back();
  return out;
}

std::string redis_run_id() {
  const std::string info = redis_cli({"INFO", "server"});
  const std::string key = "run_id:";
  const auto at = info.find(key);
  if (at == std::string::npos) throw std::runtime_error("INFO server has no run_id:\n" + info);
  const auto end = info.find_first_of("\r\n", at);
  return info.substr(at + key.size(), end == std::string::npos ? end : end - at - key.size());
}

std::string user_cache_key(std::int64_t id) {
  PgSession db;
  const std::string generation = db.query("SELECT generation FROM cache_generation").at(0).at(0);
  return "cache:" + redis_run_id() + ":" + generation + ":user:" + std::to_string(id);
}

std::optional<std::string> redis_get(const std::string& key) {
  // One round trip that tells "no key" from an empty value.
  const std::string out = redis_cli(
      {"EVAL", "local v = redis.call('GET', KEYS[1]) if v then return '+' .. v end return '-'", "1",
       key});
  if (out == "-") return std::nullopt;
  if (out.empty() || out[0] != '+') throw std::runtime_error("unexpected GET reply: " + out);
  return out.substr(1);
}

pid_t redis_pid() {
  const std::string path = stack_env().stack_dir + "/run/redis.pid";
  std::ifstream in(path);
  long pid = 0;
  if (!(in >> pid) || pid <= 1) throw std::runtime_error("no Redis pid in " + path);
  return static_cast<pid_t>(pid);
}

}  // namespace itest
