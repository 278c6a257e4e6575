// Running PostgreSQL's own client programs (pg_dump, pg_restore) for
// crudctl's backup and restore, connected as DATABASE_URL says.
#pragma once

#include <string>
#include <vector>

namespace crud {

// Runs `argv` (argv[0] looked up on PATH) with every setting of
// `database_url` passed as its libpq environment variable (PGHOST,
// PGPASSWORD, …), so the password never shows on a command line; waits
// for it. Its exit status (128 + signal when killed); throws
// std::runtime_error when the URL does not parse or the program cannot start.
int run_pg_client(const std::string& database_url, const std::vector<std::string>& argv);

// The database name `database_url` names ("" when none).
std::string database_name(const std::string& database_url);

}  // namespace crud
