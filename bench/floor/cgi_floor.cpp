// The floor of scenario (h): a process that starts, connects to PostgreSQL,
// runs one primary-key SELECT and exits, as a CGI request's process would.
// bench/run times it beside the real handler run as CGI.
#include <libpq-fe.h>

#include <cstdio>
#include <cstdlib>

int main() {
  const char* url = std::getenv("DATABASE_URL");
  PGconn* db = PQconnectdb(url ? url : "");
  if (PQstatus(db) != CONNECTION_OK) {
    std::fprintf(stderr, "cgi_floor: %s", PQerrorMessage(db));
    return 1;
  }
  const char* id = std::getenv("USER_ID");
  const char* params[] = {id ? id : "1"};
  PGresult* row = PQexecParams(db, "SELECT id, username FROM users WHERE id = $1", 1, nullptr,
                               params, nullptr, nullptr, 0);
  int ok = PQresultStatus(row) == PGRES_TUPLES_OK && PQntuples(row) == 1;
  if (ok) std::printf("Status: 200 OK\r\n\r\n{\"user_id\":%s}", PQgetvalue(row, 0, 0));
  PQclear(row);
  PQfinish(db);
  return ok ? 0 : 1;
}
