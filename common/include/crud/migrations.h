// The numbered SQL migrations of common/sql/, embedded at build time so the
// operator tool carries its schema with it, and the code that applies them.
#pragma once

#include <string>
#include <vector>

namespace crud {

class Database;

struct Migration {
  int version;       // the number the file name starts with
  std::string name;  // the file name without .sql, e.g. "0001_users"
  std::string sql;
};

// Every migration, in ascending version order.
const std::vector<Migration>& all_migrations();

// Applies each migration not yet recorded, each in its own transaction under
// an advisory lock (concurrent runs are safe). Returns the names applied.
std::vector<std::string> apply_migrations(Database& db);

}  // namespace crud
