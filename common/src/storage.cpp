// The two storages behind Storage and the one place that picks between them.
#include "crud/storage.h"

#include "crud/migrations.h"
#include "crud/pg.h"
#include "crud/sqlite.h"
#include "crud/sqlite_stores.h"

namespace crud {

namespace {

class PgStorage : public Storage {
 public:
  PgStorage(const Config& config, const Logger& log) : db_(config, log), users_(db_), auth_(db_) {}
  const char* name() const override { return "postgres"; }
  UserStore& users() override { return users_; }
  AuthStore& auth() override { return auth_; }
  bool ping() override { return db_.ping(); }
  TimeSpent& time_spent() override { return db_.time_spent; }
  std::vector<std::string> migrate() override { return apply_migrations(db_); }

 private:
  Database db_;
  PgUserStore users_;
  PgAuthStore auth_;
};

class SqliteStorage : public Storage {
 public:
  SqliteStorage(const Config& config, const Logger& log)
      : db_(config, log),
        // Beside the database file, as SQLite's own -wal and -shm files are.
        users_(db_, sqlite_path(config.database_url).value_or("") + "-changes",
               config.sqlite_busy_timeout_ms),
        auth_(db_) {}
  const char* name() const override { return "sqlite"; }
  UserStore& users() override { return users_; }
  AuthStore& auth() override { return auth_; }
  bool ping() override { return db_.ping(); }
  TimeSpent& time_spent() override { return db_.time_spent; }
  std::vector<std::string> migrate() override {
    db_.allow_create();
    return apply_migrations(db_);
  }

 private:
  SqliteDatabase db_;
  SqliteUserStore users_;
  SqliteAuthStore auth_;
};

}  // namespace

std::unique_ptr<Storage> open_storage(const Config& config, const Logger& log) {
  if (sqlite_path(config.database_url)) return std::make_unique<SqliteStorage>(config, log);
  return std::make_unique<PgStorage>(config, log);
}

}  // namespace crud
