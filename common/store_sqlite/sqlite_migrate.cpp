// Applying the SQLite migrations: one transaction each, recorded in
// schema_migrations; the write lock of BEGIN IMMEDIATE serializes two migrators.
#include "crud/migrations.h"
#include "crud/sqlite.h"

namespace crud {

static const char* const kSqliteApplied = "SELECT 1 FROM schema_migrations WHERE version = ?1";
static const char* const kSqliteRecord =
    "INSERT INTO schema_migrations (version, name, applied_at) "
    "VALUES (?1, ?2, strftime('%Y-%m-%dT%H:%M:%SZ', 'now'))";

std::vector<std::string> apply_migrations(SqliteDatabase& db) {
  std::vector<std::string> applied;
  for (const auto& m : all_sqlite_migrations()) {
    db.transaction([&] {
      db.run_script(
          "CREATE TABLE IF NOT EXISTS schema_migrations ("
          " version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL)");
      if (!db.query(kSqliteApplied, {std::int64_t{m.version}}).empty()) return;
      db.run_script(m.sql);
      db.execute(kSqliteRecord, {std::int64_t{m.version}, m.name});
      applied.push_back(m.name);
    });
  }
  return applied;
}

}  // namespace crud
