// libpq behind PgSession (see pg_session.h).
#include "support/pg_session.h"

#include <stdexcept>

#include "support/stack_env.h"

namespace itest {

PgSession::PgSession() : PgSession(stack_env().database_url) {}

PgSession::PgSession(const std::string& url) : conn_(PQconnectdb(url.c_str()), PQfinish) {
  if (!conn_ || PQstatus(conn_.get()) != CONNECTION_OK) {
    throw std::runtime_error(std::string("connecting to PostgreSQL: ") +
                             (conn_ ? PQerrorMessage(conn_.get()) : "out of memory"));
  }
}

std::vector<Row> PgSession::query(const std::string& sql, const std::vector<std::string>& params) {
  std::vector<const char*> values;
  for (const auto& p : params) values.push_back(p.c_str());
  std::unique_ptr<PGresult, decltype(&PQclear)> result(
      PQexecParams(conn_.get(), sql.c_str(), static_cast<int>(values.size()), nullptr,
                   values.data(), nullptr, nullptr, 0),
      PQclear);
  const auto status = result ? PQresultStatus(result.get()) : PGRES_FATAL_ERROR;
  if (status != PGRES_COMMAND_OK && status != PGRES_TUPLES_OK) {
    throw std::runtime_error(sql + ": " + PQerrorMessage(conn_.get()));
  }
  std::vector<Row> rows;
  for (int r = 0; r < PQntuples(result.get()); ++r) {
    Row row;
    for (int c = 0; c < PQnfields(result.get()); ++c)
      row.emplace_back(PQgetvalue(result.get(), r, c));
    rows.push_back(std::move(row));
  }
  return rows;
}

}  // namespace itest
