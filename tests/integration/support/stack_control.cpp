// scripts/stack, pools and nginx settings for the tests (see stack_control.h).
#include "support/stack_control.h"

#include <dirent.h>
#include <gtest/gtest.h>
#include <signal.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstring>
#include <fstream>
#include <iterator>
#include <memory>
#include <sstream>
#include <stdexcept>
#include <thread>

#include "support/stack_env.h"

namespace itest {
namespace {

// State, parent and process group of `pid` from /proc/<pid>/stat.
struct ProcStat {
  char state = '?';
  pid_t ppid = -1;
  pid_t pgrp = -1;
};

// Reads a /proc/.../stat file.
bool read_stat_file(const std::string& path, ProcStat& out) {
  std::ifstream in(path);
  std::string line;
  if (!std::getline(in, line)) return false;
  // The command name may hold spaces and parentheses: fields follow the last ')'.
  const auto close = line.rfind(')');
  if (close == std::string::npos) return false;
  std::istringstream fields(line.substr(close + 1));
  return static_cast<bool>(fields >> out.state >> out.ppid >> out.pgrp);
}

bool read_stat(pid_t pid, ProcStat& out) {
  return read_stat_file("/proc/" + std::to_string(pid) + "/stat", out);
}

struct DirCloser {
  void operator()(DIR* dir) const { closedir(dir); }
};
using Dir = std::unique_ptr<DIR, DirCloser>;

// True while any thread of process `pid` lives. A killed multi-threaded
// worker's main thread turns zombie first while its other threads still hold
// the open files, the pool's listening socket among them.
bool any_thread_alive(pid_t pid) {
  const std::string tasks = "/proc/" + std::to_string(pid) + "/task";
  Dir dir(opendir(tasks.c_str()));
  if (!dir) return false;
  while (const dirent* entry = readdir(dir.get())) {
    if (entry->d_name[0] == '.') continue;
    ProcStat stat;
    if (read_stat_file(tasks + "/" + entry->d_name + "/stat", stat) && stat.state != 'Z' &&
        stat.state != 'X') {
      return true;
    }
  }
  return false;
}

// `base` with the values of `overrides` replacing or adding entries.
Settings merged(Settings base, const Settings& overrides) {
  for (const auto& [key, value] : overrides) {
    bool replaced = false;
    for (auto& entry : base) {
      if (entry.first == key) {
        entry.second = value;
        replaced = true;
      }
    }
    if (!replaced) base.emplace_back(key, value);
  }
  return base;
}

std::string pidfile(const std::string& pool) {
  return stack_env().stack_dir + "/run/pool-" + pool + ".pid";
}

}  // namespace

ProcessResult run_stack(const std::vector<std::string>& args, const Settings& settings) {
  const auto& env = stack_env();
  std::vector<std::string> argv = {env.repo_dir + "/scripts/stack"};
  argv.insert(argv.end(), args.begin(), args.end());
  return run_process(argv, environment_with(merged({{"STACK_DIR", env.stack_dir}}, settings)), "",
                     std::chrono::minutes(2));
}

void stack_ok(const std::vector<std::string>& args, const Settings& settings) {
  const auto result = run_stack(args, settings);
  if (!result.exited_zero()) {
    std::string command = "scripts/stack";
    for (const auto& a : args) command += " " + a;
    throw std::runtime_error(command + " failed: " + result.describe());
  }
}

ProcessResult run_crudctl(const std::vector<std::string>& args, const std::string& database_url) {
  const auto& env = stack_env();
  std::vector<std::string> argv = {env.crudctl};
  argv.insert(argv.end(), args.begin(), args.end());
  const std::string url = database_url.empty() ? env.database_url : database_url;
  return run_process(argv, environment_with({{"DATABASE_URL", url}}), "", std::chrono::minutes(2));
}

pid_t pool_group(const std::string& pool) {
  std::ifstream in(pidfile(pool));
  long pid = 0;
  if (!(in >> pid) || pid <= 0) throw std::runtime_error("no pidfile for pool " + pool);
  return static_cast<pid_t>(pid);
}

std::string pool_of_group(pid_t pgid) {
  const std::string run = stack_env().stack_dir + "/run";
  Dir dir(opendir(run.c_str()));
  if (!dir) return {};
  const std::string prefix = "pool-", suffix = ".pid";
  while (const dirent* entry = readdir(dir.get())) {
    const std::string name = entry->d_name;
    if (name.size() <= prefix.size() + suffix.size() || name.rfind(prefix, 0) != 0 ||
        name.compare(name.size() - suffix.size(), suffix.size(), suffix) != 0) {
      continue;
    }
    const std::string pool =
        name.substr(prefix.size(), name.size() - prefix.size() - suffix.size());
    std::ifstream in(run + "/" + name);
    long pid = 0;
    if (in >> pid && pid == pgid) return pool;
  }
  return {};
}

pid_t parent_of(pid_t pid) {
  ProcStat stat;
  return read_stat(pid, stat) ? stat.ppid : -1;
}

std::vector<pid_t> group_members(pid_t pgid) {
  std::vector<pid_t> members;
  Dir proc(opendir("/proc"));
  if (!proc) throw std::runtime_error("cannot read /proc");
  while (const dirent* entry = readdir(proc.get())) {
    char* end = nullptr;
    const long pid = std::strtol(entry->d_name, &end, 10);
    if (pid <= 0 || *end != '\0') continue;
    ProcStat stat;
    // Killed pools are re-parented to an init that may reap them late: a
    // zombie is no member.
    if (read_stat(static_cast<pid_t>(pid), stat) && stat.pgrp == pgid &&
        any_thread_alive(static_cast<pid_t>(pid))) {
      members.push_back(static_cast<pid_t>(pid));
    }
  }
  return members;
}

void kill_group(pid_t pgid) {
  if (pgid <= 1) throw std::runtime_error("refusing to kill process group " + std::to_string(pgid));
  if (kill(-pgid, SIGKILL) != 0 && errno != ESRCH) {
    throw std::runtime_error("kill -9 -" + std::to_string(pgid) + ": " + std::strerror(errno));
  }
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  while (!group_members(pgid).empty()) {
    if (std::chrono::steady_clock::now() > deadline) {
      throw std::runtime_error("process group " + std::to_string(pgid) + " survived SIGKILL");
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
}

std::vector<pid_t> pool_workers(const std::string& pool) {
  const pid_t multiwatch = pool_group(pool);
  std::vector<pid_t> workers;
  for (pid_t pid : group_members(multiwatch)) {
    if (parent_of(pid) == multiwatch) workers.push_back(pid);
  }
  return workers;
}

std::chrono::milliseconds nginx_forget_time() {
  const std::string path = stack_env().stack_dir + "/nginx/conf/upstreams.conf";
  std::ifstream in(path);
  if (!in) throw std::runtime_error("cannot read " + path);
  const std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  const std::string key = "fail_timeout=";
  long longest_ms = 10000;  // nginx's default, when no server sets one
  bool found = false;
  for (auto at = text.find(key); at != std::string::npos; at = text.find(key, at + 1)) {
    size_t digits = 0;
    const long value = std::stol(text.substr(at + key.size()), &digits);
    const bool millis = text.compare(at + key.size() + digits, 2, "ms") == 0;
    const long ms = millis ? value : value * 1000;
    longest_ms = found ? std::max(longest_ms, ms) : ms;
    found = true;
  }
  return std::chrono::milliseconds(longest_ms + 1000);
}

PoolRestorer::~PoolRestorer() {
  try {
    stack_ok({"start-pool", pool_});
    std::this_thread::sleep_for(nginx_forget_time());
  } catch (const std::exception& e) {
    ADD_FAILURE() << "restoring pool " << pool_ << ": " << e.what();
  }
}

ServiceStopped::ServiceStopped(std::string service) : service_(std::move(service)) {
  stack_ok({"stop-" + service_});
}

void ServiceStopped::start() {
  started_ = true;
  stack_ok({"start-" + service_});
}

ServiceStopped::~ServiceStopped() {
  if (started_) return;
  try {
    start();
  } catch (const std::exception& e) {
    ADD_FAILURE() << "starting " << service_ << " again: " << e.what();
  }
}

const Settings& production_rate_limits() {
  // Must match RATE_AUTH/BURST_AUTH/RATE_API/BURST_API's defaults in scripts/stack.
  static const Settings settings = {
      {"RATE_AUTH", "10r/m"}, {"BURST_AUTH", "10"}, {"RATE_API", "50r/s"}, {"BURST_API", "100"}};
  return settings;
}

const Settings& fixture_nginx_settings() {
  // Must match tests/stack-fixture.sh.
  static const Settings settings = {{"RATE_AUTH", "100000r/s"},
                                    {"BURST_AUTH", "100000"},
                                    {"RATE_API", "100000r/s"},
                                    {"BURST_API", "100000"},
                                    {"FORCE_HTTPS", "0"}};
  return settings;
}

NginxSettings::NginxSettings(const Settings& overrides) {
  stack_ok({"reload-nginx"}, merged(fixture_nginx_settings(), overrides));
}

void NginxSettings::restore() {
  restored_ = true;
  stack_ok({"reload-nginx"}, fixture_nginx_settings());
}

NginxSettings::~NginxSettings() {
  if (restored_) return;
  try {
    restore();
  } catch (const std::exception& e) {
    ADD_FAILURE() << "restoring nginx settings: " << e.what();
  }
}

}  // namespace itest
