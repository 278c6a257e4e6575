// The PostgreSQL storage behind Storage (storage.h), and the entry point of
// the store module that carries it and libpq (crud_store_postgres.so).
#include "crud/migrations.h"
#include "crud/pg.h"
#include "crud/storage.h"
#include "crud/store_module.h"

namespace crud {

namespace {

class PgStorage : public Storage {
 public:
  PgStorage(const Config& config, const Logger& log)
      : db_(config, log), users_(db_), auth_(db_), identities_(db_) {}
  const char* name() const override { return "postgres"; }
  UserStore& users() override { return users_; }
  AuthStore& auth() override { return auth_; }
  IdentityStore& identities() override { return identities_; }
  bool ping() override { return db_.ping(); }
  TimeSpent& time_spent() override { return db_.time_spent; }
  std::vector<std::string> migrate() override { return apply_migrations(db_); }

 private:
  Database db_;
  PgUserStore users_;
  PgAuthStore auth_;
  PgIdentityStore identities_;
};

}  // namespace

}  // namespace crud

crud::Storage* crud_open_storage(const crud::Config& config, const crud::Logger& log) {
  return new crud::PgStorage(config, log);
}
