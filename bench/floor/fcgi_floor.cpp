// The floor of scenario (b): the least a FastCGI worker can do for
// GET /api/users/{id}: one prepared primary-key SELECT, its row as JSON.
// No validation, authentication, cache, logging or metrics: what the product
// adds on top of this is what the benchmark prices. Run as a pool by bench/run.
#include <fcgiapp.h>
#include <libpq-fe.h>

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>

int main() {
  const char* url = std::getenv("DATABASE_URL");
  PGconn* db = PQconnectdb(url ? url : "");
  if (PQstatus(db) != CONNECTION_OK) {
    std::fprintf(stderr, "fcgi_floor: %s", PQerrorMessage(db));
    return 1;
  }
  PGresult* prepared = PQprepare(db, "user",
                                 "SELECT id, username, to_char(created_at AT TIME ZONE 'UTC', "
                                 "'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"'), "
                                 "to_char(updated_at AT TIME ZONE 'UTC', "
                                 "'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"') FROM users WHERE id = $1",
                                 1, nullptr);
  if (PQresultStatus(prepared) != PGRES_COMMAND_OK) {
    std::fprintf(stderr, "fcgi_floor: %s", PQerrorMessage(db));
    return 1;
  }
  PQclear(prepared);

  FCGX_Init();
  FCGX_Request request;
  FCGX_InitRequest(&request, 0, 0);
  while (FCGX_Accept_r(&request) >= 0) {
    const char* uri = FCGX_GetParam("REQUEST_URI", request.envp);
    const char* id = uri ? std::strrchr(uri, '/') : nullptr;
    id = id ? id + 1 : "0";
    PGresult* row = PQexecPrepared(db, "user", 1, &id, nullptr, nullptr, 0);
    if (PQresultStatus(row) == PGRES_TUPLES_OK && PQntuples(row) == 1) {
      std::string body = std::string("{\"user_id\":") + PQgetvalue(row, 0, 0) + ",\"username\":\"" +
                         PQgetvalue(row, 0, 1) + "\",\"created_at\":\"" + PQgetvalue(row, 0, 2) +
                         "\",\"updated_at\":\"" + PQgetvalue(row, 0, 3) + "\"}";
      FCGX_FPrintF(request.out, "Status: 200 OK\r\nContent-Type: application/json\r\n\r\n%s",
                   body.c_str());
    } else {
      FCGX_FPrintF(request.out,
                   "Status: 404 Not Found\r\nContent-Type: application/json\r\n\r\n{}");
    }
    PQclear(row);
    // As the product's workers end a request (common/src/serve.cpp,
    // finish_at_once): stdin read to its end, then closed without
    // libfcgi's lingering close.
    char rest[256];
    while (FCGX_GetStr(rest, sizeof rest, request.in) > 0) {
    }
    FCGX_Detach(&request);
    FCGX_Finish_r(&request);
  }
  PQfinish(db);
  return 0;
}
