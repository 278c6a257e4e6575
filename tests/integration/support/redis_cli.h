// The stack's Redis seen directly, through redis-cli on its unix socket, for
// tests that check what the service keeps there (the user cache) behind the
// API's back, and for pausing the server process itself.
#pragma once

#include <sys/types.h>

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace itest {

// Runs `redis-cli --raw <args...>` on the stack's socket with its password
// (in the environment, never on the command line) and returns the output
// without its last newline. Throws std::runtime_error when redis-cli fails or
// Redis answers with an error.
std::string redis_cli(const std::vector<std::string>& args);

// The run_id of the Redis server now running (it changes at every start).
std::string redis_run_id();

// The user cache's key for user `id` on the server now running, in the
// current cache generation ("cache:<run_id>:<generation>:user:<id>", see
// common/include/crud/user_cache.h).
std::string user_cache_key(std::int64_t id);

// The value stored under `key`, or nullopt when there is none.
std::optional<std::string> redis_get(const std::string& key);

// The pid of the stack's redis-server (its pid file); throws when there is none.
pid_t redis_pid();

}  // namespace itest
