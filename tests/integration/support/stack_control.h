// Driving the shared test stack from a test: scripts/stack commands, killing
// a worker pool the hard way (a crash, not a graceful stop), and RAII guards
// that put back what a test took away (a pool, nginx's settings) even when
// the test fails half-way.
#pragma once

#include <sys/types.h>

#include <chrono>
#include <string>
#include <utility>
#include <vector>

#include "support/process.h"

namespace itest {

// Environment settings for scripts/stack, e.g. {{"FORCE_HTTPS", "1"}}.
using Settings = std::vector<std::pair<std::string, std::string>>;

// Runs `scripts/stack <args...>` on the test stack (STACK_DIR) with `settings`
// added to the environment; waits up to two minutes.
ProcessResult run_stack(const std::vector<std::string>& args, const Settings& settings = {});
// run_stack; throws std::runtime_error with the output unless it exits 0.
void stack_ok(const std::vector<std::string>& args, const Settings& settings = {});

// Runs the operator tool (`crudctl <args...>`) against `database_url` (the
// stack's DATABASE_URL when empty); waits up to two minutes.
ProcessResult run_crudctl(const std::vector<std::string>& args,
                          const std::string& database_url = "");

// The process group of pool "endpoint.N": its multiwatch, started with setsid,
// whose pid is in the pool's pidfile. Throws when there is no pidfile.
pid_t pool_group(const std::string& pool);
// The pool ("endpoint.N") whose process group is `pgid`; "" when none is.
std::string pool_of_group(pid_t pgid);
// The parent pid of `pid` (PPid in /proc), or -1 when it is gone.
pid_t parent_of(pid_t pid);
// Processes of group `pgid` with a thread still running (zombies don't count).
std::vector<pid_t> group_members(pid_t pgid);
// SIGKILL to the whole group `pgid`, then waits until none of it runs;
// throws std::runtime_error when something survives 10 s.
void kill_group(pid_t pgid);

// The worker processes of pool "endpoint.N": its multiwatch's live children.
std::vector<pid_t> pool_workers(const std::string& pool);

// How long an nginx worker may keep a failed pool out of rotation: the
// largest fail_timeout of the rendered upstreams, plus the second nginx's
// clock rounds to.
std::chrono::milliseconds nginx_forget_time();

// Starts pool "endpoint.N" when destroyed (scripts/stack start-pool; a no-op
// for a running pool), then waits nginx_forget_time() so every nginx worker
// uses the pool again and a later test that stops its sibling finds one live
// pool. Failures are reported as test failures.
class PoolRestorer {
 public:
  explicit PoolRestorer(std::string pool) : pool_(std::move(pool)) {}
  PoolRestorer(const PoolRestorer&) = delete;
  PoolRestorer& operator=(const PoolRestorer&) = delete;
  ~PoolRestorer();

 private:
  std::string pool_;
};

// Stops a service of the stack ("postgres" or "redis": scripts/stack
// stop-<service>) and starts it again (start-<service>, which returns once it
// accepts connections) by start() or, failing that, when destroyed.
class ServiceStopped {
 public:
  explicit ServiceStopped(std::string service);
  ServiceStopped(const ServiceStopped&) = delete;
  ServiceStopped& operator=(const ServiceStopped&) = delete;
  ~ServiceStopped();
  // Starts the service again; throws when that fails.
  void start();

 private:
  std::string service_;
  bool started_ = false;
};

// The nginx settings the `stack` fixture starts with: limits no test reaches
// and plain HTTP served as is.
const Settings& fixture_nginx_settings();
// The per-address rate limits of production (the dev stack's defaults).
const Settings& production_rate_limits();

// Reloads nginx with `overrides` on top of the fixture's settings; restore()
// (or the destructor) reloads with the fixture's settings again. nginx
// reloads asynchronously: poll for the behaviour you expect after either.
class NginxSettings {
 public:
  explicit NginxSettings(const Settings& overrides);
  NginxSettings(const NginxSettings&) = delete;
  NginxSettings& operator=(const NginxSettings&) = delete;
  ~NginxSettings();
  // Reloads with the fixture's settings; throws when the reload fails.
  void restore();

 private:
  bool restored_ = false;
};

}  // namespace itest
