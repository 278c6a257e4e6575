// Backup and restore through pg_dump and pg_restore (see backup.h).
#include "backup.h"

#include <iostream>

#include "crud/caller_states.h"
#include "pg_client.h"

namespace crud {
namespace {

const Statement kHasCacheGeneration{"crudctl_has_cache_generation",
                                    "SELECT to_regclass('cache_generation') IS NOT NULL"};
const Statement kCacheGeneration{"crudctl_cache_generation",
                                 "SELECT COALESCE(max(generation), 0) FROM cache_generation"};
// The restored generation may be older than ones the workers used since the
// backup: the next one is past both.
const Statement kPassGeneration{
    "crudctl_pass_cache_generation",
    "UPDATE cache_generation SET generation = GREATEST(generation, $1::bigint) + 1 "
    "RETURNING generation"};

// The cache generation in use, 0 in a database without one (empty, or before migrations).
std::int64_t current_generation(Database& db) {
  if (db.query(kHasCacheGeneration, {}).text(0, 0) != "t") return 0;
  return db.query(kCacheGeneration, {}).int64(0, 0);
}

}  // namespace

int backup_database(const std::string& database_url, const std::string& file) {
  const int status =
      run_pg_client(database_url, {"pg_dump", "--format=custom", "--no-password", "--file=" + file,
                                   "--dbname=" + database_name(database_url)});
  if (status == 0) std::cout << "backed up to " << file << "\n";
  return status;
}

int restore_database(Database& db, const std::string& database_url, const std::string& file) {
  const std::int64_t used = current_generation(db);
  const int status =
      run_pg_client(database_url, {"pg_restore", "--clean", "--if-exists", "--single-transaction",
                                   "--exit-on-error", "--no-owner", "--no-password",
                                   "--dbname=" + database_name(database_url), file});
  if (status != 0) return status;
  Rows generation = db.execute(kPassGeneration, {used});
  // Workers learn the generation and token versions with the caller check.
  CallerStates::outlive_remembered();
  std::cout << "restored from " << file << "; user cache generation now "
            << (generation.empty() ? 0 : generation.int64(0, 0)) << "\n";
  return 0;
}

}  // namespace crud
