// libpq behind RAII: lazy connect with timeouts and keepalives, re-preparing
// after reconnects, and the one SQLSTATE -> ApiError mapping of the service.
#include "crud/pg.h"

#include <poll.h>
#include <unistd.h>

#include <cstdlib>
#include <cstring>
#include <utility>

#include "crud/errors.h"

namespace crud {

std::string_view Rows::text(int row, int col) const {
  return {PQgetvalue(result_.get(), row, col),
          static_cast<std::size_t>(PQgetlength(result_.get(), row, col))};
}

std::int64_t Rows::int64(int row, int col) const {
  return std::strtoll(PQgetvalue(result_.get(), row, col), nullptr, 10);
}

std::int64_t Rows::affected() const {
  return std::strtoll(PQcmdTuples(result_.get()), nullptr, 10);
}

Database::Database(const Config& config, const Logger& log) : config_(config), log_(log) {}

static bool succeeded(const PGresult* r) {
  auto s = PQresultStatus(r);
  return r && (s == PGRES_TUPLES_OK || s == PGRES_COMMAND_OK);
}

static std::string sqlstate(const PGresult* r) {
  const char* s = r ? PQresultErrorField(r, PG_DIAG_SQLSTATE) : nullptr;
  return s ? s : "";
}

void Database::reconnect() {
  prepared_.clear();
  lock_held_.reset();  // a session's advisory locks end with it
  unlock_unread_ = false;
  conn_.reset();
  std::string timeout = std::to_string(config_.db_connect_timeout_s);
  std::string options = "-c statement_timeout=" + std::to_string(config_.db_statement_timeout_ms);
  // "endpoint:pid" in pg_stat_activity tells which worker holds a connection.
  std::string application = log_.endpoint() + ":" + std::to_string(getpid());
  // Defaults first: settings written into DATABASE_URL (expanded last) win.
  const char* keys[] = {"connect_timeout",  "keepalives",
                        "keepalives_idle",  "keepalives_interval",
                        "keepalives_count", "client_encoding",
                        "options",          "application_name",
                        "dbname",           nullptr};
  const char* values[] = {timeout.c_str(),
                          "1",
                          "30",
                          "10",
                          "3",
                          "UTF8",
                          options.c_str(),
                          application.c_str(),
                          config_.database_url.c_str(),
                          nullptr};
  conn_.reset(PQconnectdbParams(keys, values, 1));
  if (PQstatus(conn_.get()) != CONNECTION_OK) {
    std::string why = conn_ ? PQerrorMessage(conn_.get()) : "out of memory";
    conn_.reset();
    log_.event(LogLevel::warn, "postgres connect failed: " + why);
    throw ApiError(ErrorCode::database_unavailable);
  }
  // Notices ("relation already exists, skipping") are not errors; keep them
  // out of the JSON log stream, where libpq would print them raw.
  PQsetNoticeProcessor(
      conn_.get(), [](void*, const char*) {}, nullptr);
}

void Database::read_unlock_answer() {
  if (!unlock_unread_) return;
  unlock_unread_ = false;
  // The answer is usually in by now: take what has come without a poll.
  PQconsumeInput(conn_.get());
  while (PGresult* r = PQgetResult(conn_.get())) PQclear(r);
}

void Database::ensure_connected() {
  if (in_transaction_) return;  // a lost connection mid-transaction fails the statement
  if (conn_ && PQstatus(conn_.get()) == CONNECTION_OK) {
    read_unlock_answer();
    // An idle socket that is readable means the server sent something
    // (usually "terminating connection") and likely closed it: read it now
    // so a restart is noticed before a write is sent, not after.
    // The message and the end-of-file may need one read each.
    for (int reads = 0; reads < 4; ++reads) {
      pollfd p{PQsocket(conn_.get()), POLLIN, 0};
      if (poll(&p, 1, 0) <= 0 || !PQconsumeInput(conn_.get())) break;
    }
    if (PQstatus(conn_.get()) == CONNECTION_OK && PQtransactionStatus(conn_.get()) == PQTRANS_IDLE)
      return;
  }
  reconnect();
}

PGresult* Database::send(const Statement& stmt, const std::vector<Param>& params) {
  if (!prepared_.count(stmt.name)) {
    PGresult* r = PQprepare(conn_.get(), stmt.name, stmt.sql, 0, nullptr);
    if (!succeeded(r)) return r;
    PQclear(r);
    prepared_.insert(stmt.name);
  }
  std::vector<const char*> values;
  values.reserve(params.size());
  for (const auto& p : params) values.push_back(p.c_str());
  return PQexecPrepared(conn_.get(), stmt.name, static_cast<int>(values.size()), values.data(),
                        nullptr, nullptr, 0);
}

// One pipelined command's result; the NULL that ends it is read too.
static PGresult* pipelined_result(PGconn* conn) {
  PGresult* r = PQgetResult(conn);
  if (r)
    while (PGresult* rest = PQgetResult(conn)) PQclear(rest);
  return r;
}

// The transaction's advisory lock and BEGIN go in the same round trip as its
// first statement (libpq's pipeline mode). COMMIT still waits for that
// statement's answer: a worker that dies before never commits anything.
PGresult* Database::send_with_begin(const Statement& stmt, const std::vector<Param>& params) {
  begin_pending_ = false;
  PGconn* conn = conn_.get();
  bool lock = lock_to_take_.has_value();
  bool prepare = !prepared_.count(stmt.name);
  std::string key = lock ? std::to_string(*lock_to_take_) : "";
  const char* key_value[] = {key.c_str()};
  std::vector<const char*> values;
  values.reserve(params.size());
  for (const auto& p : params) values.push_back(p.c_str());

  if (!PQenterPipelineMode(conn)) return nullptr;
  bool sent = (!lock || PQsendQueryParams(conn, "SELECT pg_advisory_lock($1::bigint)", 1, nullptr,
                                          key_value, nullptr, nullptr, 0)) &&
              PQsendQueryParams(conn, "BEGIN", 0, nullptr, nullptr, nullptr, nullptr, 0) &&
              (!prepare || PQsendPrepare(conn, stmt.name, stmt.sql, 0, nullptr)) &&
              PQsendQueryPrepared(conn, stmt.name, static_cast<int>(values.size()), values.data(),
                                  nullptr, nullptr, 0) &&
              PQpipelineSync(conn);
  if (!sent) {
    leave_pipeline();
    return nullptr;
  }
  // Answers come in the order sent; after a failure the rest are "aborted".
  // The first failure is the one reported.
  bool failed = false;
  PGresult* failure = nullptr;
  auto step_ok = [&](PGresult* r) {
    if (succeeded(r)) {
      PQclear(r);
      return true;
    }
    if (failed) {
      PQclear(r);
    } else {
      failed = true;
      failure = r;
    }
    return false;
  };
  if (lock && step_ok(pipelined_result(conn)))
    lock_held_ = std::exchange(lock_to_take_, std::nullopt);
  step_ok(pipelined_result(conn));  // BEGIN
  if (prepare && step_ok(pipelined_result(conn))) prepared_.insert(stmt.name);
  PGresult* result = pipelined_result(conn);
  leave_pipeline();
  if (!failed) return result;
  PQclear(result);
  return failure;
}

// Reads up to the pipeline's sync point and leaves pipeline mode; a
// connection that cannot get there is dropped (a reconnect starts afresh).
void Database::leave_pipeline() {
  PGconn* conn = conn_.get();
  while (!PQexitPipelineMode(conn)) {
    PGresult* r = PQgetResult(conn);
    if (!r && PQstatus(conn) != CONNECTION_OK) {
      conn_.reset();
      return;
    }
    PQclear(r);
  }
}

Rows Database::run(const Statement& stmt, const std::vector<Param>& params, Retry retry) {
  TimeSpent::Scope waiting(time_spent);
  ensure_connected();
  PGresult* r = begin_pending_ ? send_with_begin(stmt, params) : send(stmt, params);
  if (succeeded(r)) return Rows(r);
  bool lost = PQstatus(conn_.get()) != CONNECTION_OK;
  // 26000: the server forgot our prepared statement (e.g. a pooler reset it).
  bool forgotten = sqlstate(r) == "26000";
  if (!in_transaction_ && ((lost && retry == Retry::once) || forgotten)) {
    PQclear(r);
    if (lost) {
      reconnect();
    } else {
      prepared_.erase(stmt.name);
    }
    r = send(stmt, params);
    if (succeeded(r)) return Rows(r);
  }
  fail(r, stmt.name);
}

Rows Database::query(const Statement& stmt, const std::vector<Param>& params) {
  return run(stmt, params, Retry::once);
}

Rows Database::execute(const Statement& stmt, const std::vector<Param>& params) {
  return run(stmt, params, Retry::never);
}

// A statement without parameters (BEGIN, COMMIT, ROLLBACK), timed.
PGresult* Database::exec_plain(const char* sql) {
  TimeSpent::Scope waiting(time_spent);
  return PQexec(conn_.get(), sql);
}

// Deadlocks and serialization failures abort a whole transaction and are
// settled by running it again: the other side has gone on by then.
constexpr int kTransactionAttempts = 3;

static bool retry_whole_transaction(const std::string& state) {
  return state == "40P01" || state == "40001";
}

void Database::transaction(const std::function<void()>& body) {
  for (int attempt = 1;; ++attempt) {
    last_failure_state_.clear();  // what body throws for its own reasons is not retried
    try {
      {
        TimeSpent::Scope waiting(time_spent);
        ensure_connected();
      }
      begin_pending_ = true;  // sent with the first statement
      in_transaction_ = true;
      try {
        body();
      } catch (...) {
        in_transaction_ = false;
        bool begun = !std::exchange(begin_pending_, false);
        if (begun && PQstatus(conn_.get()) == CONNECTION_OK) PQclear(exec_plain("ROLLBACK"));
        throw;
      }
      in_transaction_ = false;
      if (std::exchange(begin_pending_, false)) return;  // no statement ran: nothing to commit
      PGresult* r = exec_plain("COMMIT");
      if (!succeeded(r)) fail(r, "COMMIT");
      PQclear(r);
      return;
    } catch (const ApiError&) {
      if (attempt == kTransactionAttempts || !retry_whole_transaction(last_failure_state_)) throw;
      log_.event(LogLevel::info, "postgres transaction aborted [" + last_failure_state_ +
                                     "], running it again (attempt " + std::to_string(attempt + 1) +
                                     ")");
    }
  }
}

// BEGIN (with the lock to take) on its own, for a script run in a transaction.
void Database::begin_now() {
  begin_pending_ = false;
  // Simple-query statements run in order. The key is an integer formatted
  // here: no client text reaches this SQL.
  std::string begin = "BEGIN";
  if (lock_to_take_)
    begin = "SELECT pg_advisory_lock(" + std::to_string(*lock_to_take_) + "); BEGIN";
  PGresult* r = exec_plain(begin.c_str());
  if (!succeeded(r)) fail(r, "BEGIN");
  PQclear(r);
  if (lock_to_take_) lock_held_ = std::exchange(lock_to_take_, std::nullopt);
}

void Database::lock_with_next_begin(std::int64_t key) { lock_to_take_ = key; }

void Database::unlock_soon(std::int64_t key) {
  lock_to_take_.reset();
  if (lock_held_ != key) return;
  lock_held_.reset();
  std::string text = std::to_string(key);
  const char* values[] = {text.c_str()};
  // When it cannot be sent the connection is gone, and the lock with it.
  if (conn_ && PQsendQueryParams(conn_.get(), "SELECT pg_advisory_unlock($1::bigint)", 1, nullptr,
                                 values, nullptr, nullptr, 0))
    unlock_unread_ = true;
}

void Database::run_script(const std::string& sql) {
  ensure_connected();
  if (begin_pending_) begin_now();
  PGresult* r = PQexec(conn_.get(), sql.c_str());
  if (!succeeded(r)) fail(r, "script");
  PQclear(r);
}

bool Database::ping() {
  static const Statement kPing{"ping", "SELECT 1"};
  try {
    query(kPing, {});
    return true;
  } catch (const ApiError&) {
    return false;
  }
}

void Database::fail(PGresult* r, const char* what) {
  std::string state = sqlstate(r);
  last_failure_state_ = state;
  std::string message = r ? PQresultErrorMessage(r) : "";
  if (message.empty() && conn_) message = PQerrorMessage(conn_.get());
  ErrorCode code = ErrorCode::internal_error;
  if (state == "23505") {
    const char* constraint = r ? PQresultErrorField(r, PG_DIAG_CONSTRAINT_NAME) : nullptr;
    code = conflict_for(constraint ? constraint : "");
  } else if (!conn_ || PQstatus(conn_.get()) != CONNECTION_OK || state.rfind("08", 0) == 0 ||
             state == "57014" || state.rfind("57P", 0) == 0 || state == "53300" ||
             state == "40001" || state == "40P01") {
    // Lost connection, shutdown, timeout, overload, serialization: retryable.
    code = ErrorCode::database_unavailable;
  }
  PQclear(r);
  if (code == ErrorCode::internal_error || code == ErrorCode::database_unavailable) {
    while (!message.empty() && message.back() == '\n') message.pop_back();
    log_.event(code == ErrorCode::internal_error ? LogLevel::error : LogLevel::warn,
               std::string("postgres ") + what + " failed [" + state + "]: " + message);
  }
  throw ApiError(code);
}

}  // namespace crud
