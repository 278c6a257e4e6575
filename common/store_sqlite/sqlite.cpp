// SQLite behind RAII: lazy open with WAL and a busy timeout, cached
// statements, BEGIN IMMEDIATE writes, and the one SQLite result -> ApiError
// mapping of the service (a lock held past the busy timeout is a 503).
#include "crud/sqlite.h"

#include <sqlite3.h>

#include <cstdlib>
#include <cstring>
#include <utility>

#include "crud/errors.h"

namespace crud {

std::string SqliteRows::text(int row, int col) const {
  const auto& value = rows_.at(static_cast<std::size_t>(row)).at(static_cast<std::size_t>(col));
  return value ? *value : std::string();
}

std::int64_t SqliteRows::int64(int row, int col) const {
  return std::strtoll(text(row, col).c_str(), nullptr, 10);
}

double SqliteRows::real(int row, int col) const {
  return std::strtod(text(row, col).c_str(), nullptr);
}

bool SqliteRows::is_null(int row, int col) const {
  return !rows_.at(static_cast<std::size_t>(row)).at(static_cast<std::size_t>(col));
}

void SqliteDatabase::Close::operator()(sqlite3* db) const { sqlite3_close_v2(db); }
void SqliteDatabase::Finalize::operator()(sqlite3_stmt* stmt) const { sqlite3_finalize(stmt); }

SqliteDatabase::SqliteDatabase(const Config& config, const Logger& log)
    : config_(config), log_(log), path_(sqlite_path(config.database_url).value_or("")) {}

SqliteDatabase::~SqliteDatabase() { prepared_.clear(); }

void SqliteDatabase::ensure_open() {
  if (db_) return;
  int flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX | (create_ ? SQLITE_OPEN_CREATE : 0);
  sqlite3* raw = nullptr;
  int rc = sqlite3_open_v2(path_.c_str(), &raw, flags, nullptr);
  db_.reset(raw);
  if (rc != SQLITE_OK) {
    std::string why = raw ? sqlite3_errmsg(raw) : "out of memory";
    db_.reset();
    log_.event(LogLevel::warn, "sqlite open failed: " + why);
    throw ApiError(ErrorCode::database_unavailable);
  }
  sqlite3_extended_result_codes(raw, 1);
  sqlite3_busy_timeout(raw, config_.sqlite_busy_timeout_ms);
  // journal_mode=WAL is stored in the file, so only the first open changes
  // anything; foreign keys (the ON DELETE CASCADEs) are per connection.
  exec_plain("PRAGMA journal_mode=WAL");
  exec_plain("PRAGMA foreign_keys=ON");
}

void SqliteDatabase::exec_plain(const char* sql) {
  TimeSpent::Scope waiting(time_spent);
  int rc = sqlite3_exec(db_.get(), sql, nullptr, nullptr, nullptr);
  if (rc != SQLITE_OK) fail(rc, sql);
}

static void bind(sqlite3_stmt* stmt, int index, const SqliteParam& param) {
  if (std::holds_alternative<std::int64_t>(param)) {
    sqlite3_bind_int64(stmt, index, std::get<std::int64_t>(param));
  } else if (std::holds_alternative<std::string>(param)) {
    const auto& text = std::get<std::string>(param);
    sqlite3_bind_text(stmt, index, text.data(), static_cast<int>(text.size()), SQLITE_TRANSIENT);
  } else {
    sqlite3_bind_null(stmt, index);
  }
}

SqliteRows SqliteDatabase::run(const char* sql, const std::vector<SqliteParam>& params) {
  TimeSpent::Scope waiting(time_spent);
  ensure_open();
  auto& slot = prepared_[sql];
  if (!slot) {
    sqlite3_stmt* raw = nullptr;
    int rc = sqlite3_prepare_v3(db_.get(), sql, -1, SQLITE_PREPARE_PERSISTENT, &raw, nullptr);
    if (rc != SQLITE_OK) {
      prepared_.erase(sql);
      fail(rc, sql);
    }
    slot.reset(raw);
  }
  sqlite3_stmt* stmt = slot.get();
  sqlite3_reset(stmt);
  sqlite3_clear_bindings(stmt);
  for (std::size_t i = 0; i < params.size(); ++i) bind(stmt, static_cast<int>(i + 1), params[i]);
  SqliteRows rows;
  int rc;
  while ((rc = sqlite3_step(stmt)) == SQLITE_ROW) {
    std::vector<std::optional<std::string>> row;
    int columns = sqlite3_column_count(stmt);
    for (int c = 0; c < columns; ++c) {
      const unsigned char* value = sqlite3_column_text(stmt, c);
      if (value) {
        row.emplace_back(std::string(reinterpret_cast<const char*>(value),
                                     static_cast<std::size_t>(sqlite3_column_bytes(stmt, c))));
      } else {
        row.emplace_back(std::nullopt);
      }
    }
    rows.rows_.push_back(std::move(row));
  }
  if (rc != SQLITE_DONE) {
    sqlite3_reset(stmt);
    fail(rc, sql);
  }
  rows.affected_ = sqlite3_changes64(db_.get());
  sqlite3_reset(stmt);  // ends the statement's read of the file
  return rows;
}

SqliteRows SqliteDatabase::query(const char* sql, const std::vector<SqliteParam>& params) {
  return run(sql, params);
}

SqliteRows SqliteDatabase::execute(const char* sql, const std::vector<SqliteParam>& params) {
  if (in_transaction_) return run(sql, params);
  SqliteRows rows;
  transaction([&] { rows = run(sql, params); });
  return rows;
}

void SqliteDatabase::transaction(const std::function<void()>& body) {
  {
    TimeSpent::Scope waiting(time_spent);
    ensure_open();
  }
  // IMMEDIATE takes the write lock now, waiting up to the busy timeout, so
  // no transaction ever has to upgrade a read lock (which fails at once).
  exec_plain("BEGIN IMMEDIATE");
  in_transaction_ = true;
  try {
    body();
    exec_plain("COMMIT");
  } catch (...) {
    in_transaction_ = false;
    if (!sqlite3_get_autocommit(db_.get()))
      sqlite3_exec(db_.get(), "ROLLBACK", nullptr, nullptr, nullptr);
    throw;
  }
  in_transaction_ = false;
}

void SqliteDatabase::run_script(const std::string& sql) {
  ensure_open();
  TimeSpent::Scope waiting(time_spent);
  int rc = sqlite3_exec(db_.get(), sql.c_str(), nullptr, nullptr, nullptr);
  if (rc != SQLITE_OK) fail(rc, "script");
}

bool SqliteDatabase::ping() {
  static const char* const kPing = "SELECT count(*) FROM sqlite_schema";
  try {
    query(kPing, {});
    return true;
  } catch (const ApiError&) {
    return false;
  }
}

// The schema's name of the unique rule a violation breaks: SQLite names an
// expression index ("index 'users_username_lower_key'") but lists the
// columns of any other, which this table maps to the names PostgreSQL uses.
static std::string_view unique_rule_of(std::string_view message) {
  static const std::pair<std::string_view, std::string_view> kByColumns[] = {
      {"user_identities.issuer, user_identities.subject", "user_identities_pkey"},
      {"user_identities.user_id, user_identities.issuer", "user_identities_user_issuer_key"}};
  constexpr std::string_view kIndex = "index '";
  if (auto start = message.find(kIndex); start != std::string_view::npos) {
    start += kIndex.size();
    auto end = message.find('\'', start);
    return end == std::string_view::npos ? std::string_view() : message.substr(start, end - start);
  }
  for (const auto& [columns, name] : kByColumns)
    if (message.size() >= columns.size() &&
        message.substr(message.size() - columns.size()) == columns)
      return name;
  return {};
}

void SqliteDatabase::fail(int rc, const char* what) {
  std::string message = db_ ? sqlite3_errmsg(db_.get()) : sqlite3_errstr(rc);
  ErrorCode code = ErrorCode::internal_error;
  int primary = rc & 0xff;
  if (rc == SQLITE_CONSTRAINT_UNIQUE) {
    code = conflict_for(unique_rule_of(message));
  } else if (primary == SQLITE_BUSY || primary == SQLITE_LOCKED || primary == SQLITE_CANTOPEN ||
             primary == SQLITE_IOERR || primary == SQLITE_FULL) {
    // Another writer held the lock past the busy timeout, or the file is
    // out of reach: retryable, like a PostgreSQL outage.
    code = ErrorCode::database_unavailable;
  }
  if (code == ErrorCode::internal_error || code == ErrorCode::database_unavailable)
    log_.event(code == ErrorCode::internal_error ? LogLevel::error : LogLevel::warn,
               std::string("sqlite ") + what + " failed [" + std::to_string(rc) + "]: " + message);
  // The lock is usually gone within a second: say when to try again.
  if (code == ErrorCode::database_unavailable) throw ApiError(code).retry_after(1);
  throw ApiError(code);
}

}  // namespace crud
