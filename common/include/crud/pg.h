// RAII access to PostgreSQL over libpq for one worker process: a lazily
// opened connection with timeouts, prepared statements (re-prepared after a
// reconnect), a dead-connection check before each use, and transactions.
// libpq failures become ApiError here; callers never see raw libpq errors.
#pragma once

#include <libpq-fe.h>

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <set>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "crud/config.h"
#include "crud/log.h"
#include "crud/time_spent.h"

namespace crud {

// A named SQL statement, prepared once per connection on first use.
struct Statement {
  const char* name;
  const char* sql;
};

// One bound parameter: text, a number, or SQL NULL.
class Param {
 public:
  Param(const std::string& text) : value_(text) {}                // NOLINT: implicit by design
  Param(std::string_view text) : value_(std::string(text)) {}     // NOLINT
  Param(const char* text) : value_(std::string(text)) {}          // NOLINT
  Param(std::int64_t number) : value_(std::to_string(number)) {}  // NOLINT
  Param(std::nullopt_t) {}                                        // NOLINT
  const char* c_str() const { return value_ ? value_->c_str() : nullptr; }

 private:
  std::optional<std::string> value_;
};

// The rows of one result, freed with the object.
class Rows {
 public:
  explicit Rows(PGresult* result) : result_(result) {}
  int size() const { return PQntuples(result_.get()); }
  bool empty() const { return size() == 0; }
  std::string_view text(int row, int col) const;
  std::int64_t int64(int row, int col) const;
  // Rows changed by an INSERT/UPDATE/DELETE.
  std::int64_t affected() const;

 private:
  struct Clear {
    void operator()(PGresult* r) const { PQclear(r); }
  };
  std::unique_ptr<PGresult, Clear> result_;
};

class Database {
 public:
  Database(const Config& config, const Logger& log);

  // An idempotent statement (a read): retried once on a fresh connection
  // when the connection turns out to be lost.
  Rows query(const Statement& stmt, const std::vector<Param>& params);
  // A statement that may change data: never retried once it was sent.
  Rows execute(const Statement& stmt, const std::vector<Param>& params);
  // Runs body inside BEGIN/COMMIT; any exception rolls back and propagates.
  // BEGIN travels with body's first statement; a body that runs none sends
  // nothing.
  // A transaction PostgreSQL aborted as a deadlock victim or a serialization
  // failure is run again (up to kTransactionAttempts times in all), so body
  // must set every result it produces on each run.
  void transaction(const std::function<void()>& body);
  // A session-level advisory lock on `key`, taken in the same round trip as
  // the next transaction's BEGIN (and first statement) and held (through a rollback too) until
  // unlock_soon. Nothing is taken when no transaction follows.
  void lock_with_next_begin(std::int64_t key);
  // Releases that lock without waiting for the answer, which is read before
  // the next statement: the request's answer does not wait for it.
  void unlock_soon(std::int64_t key);
  // Runs a multi-statement SQL script (migrations) as is.
  void run_script(const std::string& sql);
  // True when the server answers a trivial query now.
  bool ping();
  // Time spent waiting on PostgreSQL (taken per request).
  TimeSpent time_spent;

 private:
  enum class Retry { once, never };
  Rows run(const Statement& stmt, const std::vector<Param>& params, Retry retry);
  PGresult* send(const Statement& stmt, const std::vector<Param>& params);
  PGresult* send_with_begin(const Statement& stmt, const std::vector<Param>& params);
  void leave_pipeline();
  void begin_now();
  PGresult* exec_plain(const char* sql);
  void ensure_connected();
  void read_unlock_answer();
  void reconnect();
  [[noreturn]] void fail(PGresult* result, const char* what);

  struct Finish {
    void operator()(PGconn* c) const { PQfinish(c); }
  };
  const Config& config_;
  const Logger& log_;
  std::unique_ptr<PGconn, Finish> conn_;
  std::set<std::string> prepared_;
  bool in_transaction_ = false;
  bool begin_pending_ = false;                // BEGIN goes with the next statement
  std::optional<std::int64_t> lock_to_take_;  // with the next BEGIN
  std::optional<std::int64_t> lock_held_;
  bool unlock_unread_ = false;      // an unlock's answer is still on the wire
  std::string last_failure_state_;  // SQLSTATE of the last failed statement
};

}  // namespace crud
