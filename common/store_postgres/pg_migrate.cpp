// Applying the PostgreSQL migrations: one transaction each, recorded in
// schema_migrations, serialized by an advisory lock so two migrators never race.
#include "crud/migrations.h"
#include "crud/pg.h"

namespace crud {

static const Statement kLock{"migrate_lock", "SELECT pg_advisory_xact_lock(7271001)"};
static const Statement kApplied{"migrate_applied",
                                "SELECT 1 FROM schema_migrations WHERE version = $1"};
static const Statement kRecord{"migrate_record",
                               "INSERT INTO schema_migrations (version, name) VALUES ($1, $2)"};

std::vector<std::string> apply_migrations(Database& db) {
  std::vector<std::string> applied;
  for (const auto& m : all_migrations()) {
    db.transaction([&] {
      db.execute(kLock, {});
      db.run_script(
          "CREATE TABLE IF NOT EXISTS schema_migrations ("
          " version integer PRIMARY KEY, name text NOT NULL,"
          " applied_at timestamptz NOT NULL DEFAULT now())");
      if (!db.query(kApplied, {std::int64_t{m.version}}).empty()) return;
      db.run_script(m.sql);
      db.execute(kRecord, {std::int64_t{m.version}, m.name});
      applied.push_back(m.name);
    });
  }
  return applied;
}

}  // namespace crud
