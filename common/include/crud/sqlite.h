// RAII access to an embedded SQLite database file for one process: opened
// lazily on first use (a CGI process that never touches the store pays
// nothing), WAL mode, a busy timeout, cached prepared statements, and writes
// in BEGIN IMMEDIATE transactions so writers queue instead of failing when a
// read lock would have to be upgraded. SQLite failures become ApiError here.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "crud/config.h"
#include "crud/database_url.h"
#include "crud/log.h"
#include "crud/time_spent.h"

struct sqlite3;
struct sqlite3_stmt;

namespace crud {

// One bound parameter: SQL NULL, an integer or text.
using SqliteParam = std::variant<std::nullptr_t, std::int64_t, std::string>;

// The rows of one statement, read into memory (values as text; NULL as nullopt).
class SqliteRows {
 public:
  int size() const { return static_cast<int>(rows_.size()); }
  bool empty() const { return rows_.empty(); }
  std::string text(int row, int col) const;
  std::int64_t int64(int row, int col) const;
  double real(int row, int col) const;
  bool is_null(int row, int col) const;
  // Rows changed by an INSERT/UPDATE/DELETE.
  std::int64_t affected() const { return affected_; }

 private:
  friend class SqliteDatabase;
  std::vector<std::vector<std::optional<std::string>>> rows_;
  std::int64_t affected_ = 0;
};

class SqliteDatabase {
 public:
  // Takes the path from config.database_url; does no I/O yet.
  SqliteDatabase(const Config& config, const Logger& log);
  ~SqliteDatabase();
  SqliteDatabase(const SqliteDatabase&) = delete;
  SqliteDatabase& operator=(const SqliteDatabase&) = delete;

  // Lets the first open create a missing file (migrations do; a worker
  // must not create an empty database and answer 500s from it).
  void allow_create() { create_ = true; }
  // A read: runs in its own implicit transaction (WAL readers never block).
  SqliteRows query(const char* sql, const std::vector<SqliteParam>& params);
  // A write: inside transaction() as is, otherwise wrapped in one of its own.
  SqliteRows execute(const char* sql, const std::vector<SqliteParam>& params);
  // Runs body inside BEGIN IMMEDIATE/COMMIT; any exception rolls back and
  // propagates. Not nestable: body must not call transaction() again.
  void transaction(const std::function<void()>& body);
  // Runs a multi-statement SQL script (migrations) as is.
  void run_script(const std::string& sql);
  // True when the file opens and answers a trivial query now.
  bool ping();
  // Time spent waiting on SQLite, locks included (taken per request).
  TimeSpent time_spent;

 private:
  void ensure_open();
  SqliteRows run(const char* sql, const std::vector<SqliteParam>& params);
  void exec_plain(const char* sql);
  [[noreturn]] void fail(int rc, const char* what);

  struct Close {
    void operator()(sqlite3* db) const;
  };
  struct Finalize {
    void operator()(sqlite3_stmt* stmt) const;
  };
  const Config& config_;
  const Logger& log_;
  std::string path_;
  bool create_ = false;
  std::unique_ptr<sqlite3, Close> db_;
  // Keyed by the statement text's address: every statement is a static string.
  std::map<const char*, std::unique_ptr<sqlite3_stmt, Finalize>> prepared_;
  bool in_transaction_ = false;
};

}  // namespace crud
