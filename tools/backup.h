// crudctl backup and restore: the whole database in pg_dump's custom format,
// and back, with the user cache of a running service made to forget
// everything it held before the restore.
#pragma once

#include <string>

#include "crud/pg.h"

namespace crud {

// Writes DATABASE_URL's database to `file` (pg_dump --format=custom); the exit status.
int backup_database(const std::string& database_url, const std::string& file);

// Replaces DATABASE_URL's database (empty or not) with the backup in `file`,
// in one transaction (pg_restore --clean --single-transaction), then moves the
// cache generation past every one used before, so no worker serves a cached
// user from before the restore. The exit status.
int restore_database(Database& db, const std::string& database_url, const std::string& file);

}  // namespace crud
