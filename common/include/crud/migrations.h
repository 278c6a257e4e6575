// The numbered SQL migrations of common/sql/ (PostgreSQL) and common/sql/sqlite/
// (the same versions for SQLite), embedded at build time so the operator tool
// carries its schema with it, and the code that applies them.
#pragma once

#include <string>
#include <vector>

namespace crud {

class Database;
class SqliteDatabase;

struct Migration {
  int version;       // the number the file name starts with
  std::string name;  // the file name without .sql, e.g. "0001_users"
  std::string sql;
};

// Every PostgreSQL migration, in ascending version order.
const std::vector<Migration>& all_migrations();
// Every SQLite migration: the same versions and names, SQLite's dialect.
const std::vector<Migration>& all_sqlite_migrations();

// Applies each migration not yet recorded, each in its own transaction under
// an advisory lock (concurrent runs are safe). Returns the names applied.
std::vector<std::string> apply_migrations(Database& db);
// The same for SQLite, where BEGIN IMMEDIATE serializes concurrent runs.
std::vector<std::string> apply_migrations(SqliteDatabase& db);

}  // namespace crud
