// The embedded SQLite storage behind Storage (storage.h), and the entry point
// of the store module that carries it and libsqlite3 (crud_store_sqlite.so).
#include "crud/database_url.h"
#include "crud/migrations.h"
#include "crud/sqlite.h"
#include "crud/sqlite_stores.h"
#include "crud/storage.h"
#include "crud/store_module.h"

namespace crud {

namespace {

class SqliteStorage : public Storage {
 public:
  SqliteStorage(const Config& config, const Logger& log)
      : db_(config, log),
        // Beside the database file, as SQLite's own -wal and -shm files are.
        users_(db_, sqlite_path(config.database_url).value_or("") + "-changes",
               config.sqlite_busy_timeout_ms),
        auth_(db_),
        identities_(db_) {}
  const char* name() const override { return "sqlite"; }
  UserStore& users() override { return users_; }
  AuthStore& auth() override { return auth_; }
  IdentityStore& identities() override { return identities_; }
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
  SqliteIdentityStore identities_;
};

}  // namespace

}  // namespace crud

crud::Storage* crud_open_storage(const crud::Config& config, const crud::Logger& log) {
  return new crud::SqliteStorage(config, log);
}
