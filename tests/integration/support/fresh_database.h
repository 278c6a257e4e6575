// An empty database of its own for one test, in either store: a fresh schema
// in the test stack's PostgreSQL (first on the connection's search_path) or
// a fresh SQLite file in a temp folder. Dropped or deleted afterwards.
#pragma once

#include <string>

namespace itest {

enum class Backend { postgres, sqlite };

// "postgres" or "sqlite", for test names.
std::string backend_name(Backend backend);

class FreshDatabase {
 public:
  explicit FreshDatabase(Backend backend);
  ~FreshDatabase();
  FreshDatabase(const FreshDatabase&) = delete;
  FreshDatabase& operator=(const FreshDatabase&) = delete;
  // DATABASE_URL for it (not migrated yet).
  const std::string& url() const { return url_; }
  // The SQLite file (sqlite only).
  std::string sqlite_file() const { return dir_ + "/users.db"; }

 private:
  Backend backend_;
  std::string schema_, dir_, url_;
};

}  // namespace itest
