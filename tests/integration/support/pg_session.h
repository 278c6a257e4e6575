// A direct libpq connection to the stack's PostgreSQL, for tests that must
// hold a row lock themselves or read what the API does not show (a row's
// version, pg_stat_activity).
#pragma once

#include <libpq-fe.h>

#include <memory>
#include <string>
#include <vector>

namespace itest {

using Row = std::vector<std::string>;  // text values; NULL reads as ""

class PgSession {
 public:
  // Connects to DATABASE_URL of the test stack; throws std::runtime_error on failure.
  PgSession();
  // Connects to libpq URL `url` instead.
  explicit PgSession(const std::string& url);
  // Runs `sql` with text parameters $1..; the rows it returned. Throws
  // std::runtime_error with PostgreSQL's message when it fails.
  std::vector<Row> query(const std::string& sql, const std::vector<std::string>& params = {});

 private:
  std::unique_ptr<PGconn, decltype(&PQfinish)> conn_;
};

}  // namespace itest
