// The floor of the SQLite CGI scenario: a process that starts, opens the
// SQLite database of DATABASE_URL (sqlite:///path), runs one primary-key
// SELECT and exits, as a CGI request's process would. bench/cgi-sqlite
// times it beside the real handler run as CGI over the same file.
#include <sqlite3.h>

#include <cstdio>
#include <cstdlib>
#include <cstring>

int main() {
  const char* url = std::getenv("DATABASE_URL");
  const char* scheme = "sqlite://";
  if (!url || std::strncmp(url, scheme, std::strlen(scheme)) != 0) {
    std::fprintf(stderr, "cgi_sqlite_floor: DATABASE_URL must be sqlite:///path\n");
    return 2;
  }
  sqlite3* db = nullptr;
  if (sqlite3_open_v2(url + std::strlen(scheme), &db, SQLITE_OPEN_READONLY, nullptr) != SQLITE_OK) {
    std::fprintf(stderr, "cgi_sqlite_floor: %s\n", sqlite3_errmsg(db));
    return 1;
  }
  sqlite3_stmt* select = nullptr;
  sqlite3_prepare_v2(db, "SELECT id, username FROM users WHERE id = ?", -1, &select, nullptr);
  const char* id = std::getenv("USER_ID");
  sqlite3_bind_int64(select, 1, std::atoll(id ? id : "1"));
  int ok = select && sqlite3_step(select) == SQLITE_ROW;
  if (ok) std::printf("Status: 200 OK\r\n\r\n{\"user_id\":%lld}", sqlite3_column_int64(select, 0));
  sqlite3_finalize(select);
  sqlite3_close(db);
  return ok ? 0 : 1;
}
